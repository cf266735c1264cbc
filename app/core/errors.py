"""Domain errors and their single rendering as RFC 9457 problem+json."""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from app.core.requestid import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("gimark.errors")


class DomainError(Exception):
    """A refusal the client can act on. Subclasses fix ``status`` and a stable ``code``."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class InvalidState(Conflict):
    """An illegal state transition; ``current_state`` tells the client where the object is."""

    code = "invalid_state"

    def __init__(self, detail: str, *, current_state: str, **extra: Any) -> None:
        super().__init__(detail, current_state=current_state, **extra)


def require_state(what: str, state: enum.StrEnum, *allowed: enum.StrEnum) -> None:
    """Refuse a transition from ``state`` unless it is one of ``allowed`` (409 naming it)."""
    if state not in allowed:
        names = " or ".join(s.value for s in allowed)
        raise InvalidState(f"{what} is {state.value}; this needs {names}", current_state=state)


class Unprocessable(DomainError):
    status, code = 422, "unprocessable"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


def problem(status: int, code: str, detail: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    body["request_id"] = current_request_id()
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    response = problem(exc.status, exc.code, exc.detail, **exc.extra)
    if exc.status in (429, 503) and "retry_after" in exc.extra:
        response.headers["Retry-After"] = str(exc.extra["retry_after"])
    return response


def _field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]),
            "message": error["msg"],
            "type": error["type"],
        }
        for error in errors
    ]


def validation_problem(pydantic_errors: Sequence[Any]) -> JSONResponse:
    """422 for errors shaped like Pydantic's (``loc``, ``msg``, ``type``)."""
    errors = _field_errors(pydantic_errors)
    fields = ", ".join(e["field"] for e in errors)
    return problem(422, "validation_failed", f"invalid input: {fields}", errors=errors)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return validation_problem(exc.errors())


_HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        return _unparsable_body(exc)
    code = _HTTP_CODES.get(exc.status_code, HTTPStatus(exc.status_code).phrase.lower())
    response = problem(exc.status_code, code.replace(" ", "_"), str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _unparsable_body(exc: StarletteHTTPException) -> JSONResponse:
    """FastAPI and Starlette raise a bare 400 when a body cannot be parsed at all (JSON that is
    not UTF-8, a broken multipart); JSON with a syntax error is already a 422 ``json_invalid``.
    Both are a bad payload, so both are 422 with the body named as the field at fault."""
    message = f"the body could not be parsed: {exc.detail}"
    return validation_problem([{"loc": ("body",), "msg": message, "type": "body_unparsable"}])


def unexpected_error(scope: Scope, exc: Exception) -> JSONResponse:
    """The trace goes to the log with the request id; the client gets only the id to quote."""
    logger.error(
        "unhandled error on %s %s [%s]",
        scope.get("method"),
        scope.get("path"),
        current_request_id(),
        exc_info=exc,
    )
    return problem(500, "internal_error", "an unexpected error occurred; quote the request id")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
