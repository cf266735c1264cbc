"""The OpenAPI document states every problem response a route can give, derived from the route.

Written by hand per route, these drift; derived here from what each route already declares,
they cannot: its role guard (401, 403), an id in its path or body (404), a method that changes
state (409, and 413 for its body), the public rate limits (429) and the input checks every route
has (422). A route adds what only it knows (a login's 401, a print file's 409) in its own
``responses=``; those are rendered as problems too. Each is an RFC 9457
``application/problem+json`` body described by :class:`Problem`.
Every integer is also given the 64-bit range that ``app.core.inputs`` enforces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, params
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import PROBLEM_MEDIA_TYPE
from app.core.inputs import INT64_MAX, INT64_MIN
from app.core.permissions import route_roles

HTML = "text/html"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WHEN = {
    401: "Not signed in: no, an expired or an unknown token or API key",
    403: "Signed in, but this role may not do this",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state (the body names it)",
    413: "The request body is larger than this endpoint accepts",
    422: "Invalid input (each field's error is listed)",
    429: "Too many requests from this network; retry after Retry-After seconds",
}
RateLimited = Callable[[str, str], bool]


class FieldError(BaseModel):
    field: str = Field(description="where, e.g. body.name or query.offset")
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details; some problems add members (e.g. ``current_state``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="a stable URI reference naming the problem type")
    title: str
    status: int
    code: str = Field(description="stable, machine-readable problem code")
    detail: str | None = None
    request_id: str | None = Field(description="quote it when asking for help")
    errors: list[FieldError] | None = Field(default=None, description="422: one per field")


def problem_statuses(route: APIRoute, method: str, rate_limited: RateLimited) -> dict[int, str]:
    described = declared_problems(route)
    statuses = {422, *described}
    if route_roles(route) is not None:
        statuses |= {401, 403}
    if takes_id(route):
        statuses.add(404)
    if method in STATE_CHANGING:
        statuses |= {409, 413}
    if rate_limited(method, route.path_format):
        statuses.add(429)
    return {
        status: described.get(status) or WHEN.get(status) or HTTPStatus(status).phrase
        for status in sorted(statuses)
    }


def declared_problems(route: APIRoute) -> dict[int, str]:
    """The 4xx responses the route names itself, with their descriptions."""
    declared = {}
    for status, response in route.responses.items():
        if str(status).isdigit() and 400 <= int(status) < 500:
            declared[int(status)] = str(response.get("description", ""))
    return declared


def takes_id(route: APIRoute) -> bool:
    """An id in the path, an ``…_id`` query parameter or form field (a ledger's enterprise, an
    import's product), or an ``…_id`` / ``…_ids`` / ``code(s)`` member of the JSON body: an id
    that may name nothing (404)."""
    if "{" in route.path_format:
        return True
    named = [*route.dependant.query_params, *route.dependant.body_params]
    if any(param.name.endswith("_id") for param in named):
        return True
    if route.body_field is None or isinstance(route.body_field.field_info, params.Form):
        return False  # a form (a login, a consumer report) names no stored object
    model = route.body_field.field_info.annotation
    names = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else ()
    return any(name.endswith(("_id", "_ids")) or name in ("code", "codes") for name in names)


def install_problem_responses(app: FastAPI, rate_limited: RateLimited) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            _add_problems(schema, app, rate_limited)
            _bound_integers(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_problems(schema: dict[str, Any], app: FastAPI, rate_limited: RateLimited) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    for route, method, operation in _operations(schema, app):
        responses = operation.setdefault("responses", {})
        content = _problem_content(responses)
        for status, description in problem_statuses(route, method, rate_limited).items():
            responses[str(status)] = {"description": description, "content": content}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)


def _problem_content(responses: dict[str, Any]) -> dict[str, Any]:
    """problem+json; a page (an HTML form) may also answer a refusal with itself, in HTML."""
    content: dict[str, Any] = {
        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    success = [r for status, r in responses.items() if status.startswith("2")]
    if any(HTML in response.get("content", {}) for response in success):
        content[HTML] = {"schema": {"type": "string"}}
    return content


def _operations(
    schema: dict[str, Any], app: FastAPI
) -> Iterator[tuple[APIRoute, str, dict[str, Any]]]:
    """Each documented operation with its route as included (prefix and router dependencies
    applied), the way FastAPI's own schema generation walks them."""
    paths = schema.get("paths", {})
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        route = cast(APIRoute, context)  # the included route: an APIRoute in all but name
        for method in sorted(route.methods or ()):
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is not None:
                yield route, method, operation


def _bound_integers(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            if "maximum" not in node and "exclusiveMaximum" not in node:
                node["maximum"] = INT64_MAX
            if "minimum" not in node and "exclusiveMinimum" not in node:
                node["minimum"] = INT64_MIN
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for item in node:
            _bound_integers(item)
