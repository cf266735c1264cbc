"""Input that every field type admits but no database stores: refused once, here, with 422.

Schemathesis found 106 server errors from two kinds of value that pass Pydantic and then break
the database: a NUL character in text (PostgreSQL's ``text`` cannot hold one) and an integer
outside 64 bits (``BIGINT``; SQLite raises ``OverflowError``). Rather than a constrained type
on each of hundreds of fields, one layer refuses them for every route:

- ``NulInUrlMiddleware`` (pure ASGI, so it also covers the bare verify endpoint): a NUL in the
  path or the query string;
- ``refuse_unstorable_input`` (an app-wide dependency, which runs after FastAPI has read the
  body and before it validates the parameters): integers outside 64 bits in the parameters the
  route declares as integers (path, query, form), and anywhere in a JSON body; a NUL in any
  JSON string or key and in any text field of a form (file parts may hold any byte).

The OpenAPI schema states the same 64-bit range on every integer (see ``app.core.openapi``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, get_args
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import validation_problem

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
NUL = "\x00"
_AS_INT = TypeAdapter(int)
_CACHED_ON_ROUTE = "_gimark_int_parameters"
_MAX_REPORTED = 20  # errors listed per request; a body of 10,000 bad values gets the gist


def nul_error(location: tuple[str | int, ...], value: object = None) -> dict[str, Any]:
    message = "text must not contain NUL (\\u0000)"
    return {"type": "string_nul", "loc": location, "msg": message, "input": value}


def range_error(location: tuple[str | int, ...], value: object) -> dict[str, Any]:
    message = f"must be an integer from {INT64_MIN} to {INT64_MAX}"
    return {"type": "int_out_of_range", "loc": location, "msg": message, "input": str(value)}


class NulInUrlMiddleware:
    """Two substring tests per request; the query is parsed only when it holds a NUL."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            errors = url_nul_errors(scope)
            if errors:
                await validation_problem(errors)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def url_nul_errors(scope: Scope) -> list[dict[str, Any]]:
    errors = []
    if NUL in scope["path"]:
        errors.append(nul_error(("path",)))
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        errors += [nul_error(("query", name)) for name, value in pairs if NUL in name + value]
        errors = errors or [nul_error(("query",))]
    return errors


async def refuse_unstorable_input(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = int_parameters(route)
    errors = [
        *_param_errors("path", request.path_params.items(), names),
        *_param_errors("query", request.query_params.multi_items(), names),
    ]
    if route.body_field is not None:
        errors += await _body_errors(request, names)
    if errors:
        raise RequestValidationError(errors[:_MAX_REPORTED])


def _param_errors(where: str, items: Any, int_names: frozenset[str]) -> Iterator[dict[str, Any]]:
    for name, value in items:
        if not isinstance(value, str):
            continue  # an uploaded file: any byte is fine
        if NUL in value:
            yield nul_error((where, name))
        elif name in int_names and _out_of_range(value):
            yield range_error((where, name), value)


def _out_of_range(raw: str) -> bool:
    """Parsed exactly as Pydantic will parse it; what it cannot parse it refuses itself."""
    try:
        value = _AS_INT.validate_python(raw)
    except ValidationError:
        return False
    return not INT64_MIN <= value <= INT64_MAX


async def _body_errors(request: Request, int_names: frozenset[str]) -> list[dict[str, Any]]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()  # already parsed by FastAPI: this returns its copy
        return list(_param_errors("body", form.multi_items(), int_names))
    body = await request.body()  # already read by FastAPI: this returns its copy
    if not body or "json" not in content_type:
        return []
    try:
        document = json.loads(body)
    except ValueError:
        return []  # FastAPI has refused it already
    return list(_json_errors(document, ("body",)))


def _json_errors(value: Any, location: tuple[str | int, ...]) -> Iterator[dict[str, Any]]:
    if isinstance(value, str):
        if NUL in value:
            yield nul_error(location)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            yield range_error(location, value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_errors(item, (*location, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield nul_error((*location, key.replace(NUL, "\\u0000")))
            yield from _json_errors(item, (*location, key))


def int_parameters(route: APIRoute) -> frozenset[str]:
    """Names of the path, query and form parameters the route (or its dependencies) declares
    as integers, found once per route and kept on it (routes are not hashable)."""
    names: frozenset[str] | None = vars(route).get(_CACHED_ON_ROUTE)
    if names is None:
        names = frozenset(_int_names(route.dependant))
        setattr(route, _CACHED_ON_ROUTE, names)
    return names


def _int_names(dependant: Dependant) -> Iterator[str]:
    for field in (*dependant.path_params, *dependant.query_params, *dependant.body_params):
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            # a parameter model: its fields are the parameters
            for name, info in annotation.model_fields.items():
                if _mentions_int(info.annotation):
                    yield info.alias or name
        elif _mentions_int(annotation):
            yield field.alias
    for sub in dependant.dependencies:
        yield from _int_names(sub)


def _mentions_int(annotation: Any) -> bool:
    """``int``, ``int | None``, ``list[int]``, ``Annotated[int, …]`` (not bool, not enums)."""
    if annotation is int:
        return True
    return any(_mentions_int(arg) for arg in get_args(annotation))
