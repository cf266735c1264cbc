"""The public check as a request handler, and ``GET /api/v1/verify/{code}`` served without
FastAPI: the hot path of the service.

FastAPI's per-request dependency solving, parameter validation and response handling were ~30 %
of this endpoint's CPU (py-spy), more than the verification itself, so the JSON endpoint is a
bare ASGI endpoint (:class:`LeanVerifyJson`). The body, headers and errors are the same; the
middlewares (request id, rate limit, problem+json errors) apply as to every route. The FastAPI
route of the same path (``router.verify_json``) stays: it documents the endpoint in OpenAPI and
answers what this one does not match (a code over ``MAX_CODE_INPUT`` characters: 422).

The handler never manages a database session: on PostgreSQL with batched scans a check only
reads, through the verifier's pooled reader, which coalesces concurrent checks into one round
trip on a bare asyncpg connection (no SQLAlchemy session or transaction per request);
otherwise (SQLite, or scans written inline) a ``SessionReader`` opens and commits the check's
own transaction. Plain code rather than a dependency or a context manager on the pooled path:
it is the hottest path in the service.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.types import Receive, Scope, Send

from app.core.clientip import client_ip
from app.core.outage import is_database_outage
from app.verification import service
from app.verification.readers import SessionReader
from app.verification.schemas import VerifyResponse
from app.verification.verdicts import LinkClaim
from app.web.i18n import choose_lang

MAX_CODE_INPUT = 64


def _verifier(request: Request) -> service.Verifier:
    verifier: service.Verifier = request.app.state.verifier
    return verifier


def _client(
    request: Request, verifier: service.Verifier, location: tuple[float, float] | None
) -> service.Client:
    address = client_ip(request.scope, verifier.trusted_proxies)
    return service.Client(address, request.headers.get("user-agent"), location)


async def check(
    request: Request,
    code: str,
    location: tuple[float, float] | None = None,
    claim: LinkClaim | None = None,
) -> VerifyResponse:
    """The verdict for ``code`` as this request asks it (language, client, location); while
    the database cannot be reached, what this worker knew before (``service`` says why that
    is safe) or 503. A ``try`` costs nothing on the way through (Python 3.11)."""
    try:
        return await _checked(request, code, location, claim)
    except Exception as exc:
        if not is_database_outage(exc):
            raise
        lang = choose_lang(request)
        return service.from_before_the_outage(_verifier(request), code, lang, claim)


async def _checked(
    request: Request,
    code: str,
    location: tuple[float, float] | None,
    claim: LinkClaim | None,
) -> VerifyResponse:
    verifier = _verifier(request)
    lang, client = choose_lang(request), _client(request, verifier, location)
    pooled = verifier.pooled
    if pooled is not None:
        return await service.verify(pooled, verifier, code, client, lang, claim)
    async with SessionReader.opened(request.app.state.database, verifier.cache) as reader:
        return await service.verify(reader, verifier, code, client, lang, claim)


async def json_response(request: Request, code: str) -> Response:
    result = await check(request, code)
    # Serialised by pydantic-core directly: the model is already validated.
    return Response(result.model_dump_json(), media_type="application/json")


class _CodeConvertor(StringConvertor):
    """A path segment of at most ``MAX_CODE_INPUT`` characters, as ``router.CodePath`` admits."""

    regex = f"[^/]{{1,{MAX_CODE_INPUT}}}"


register_url_convertor("gimark_code", _CodeConvertor())


class LeanVerifyJson:
    """``GET /api/v1/verify/{code}`` as a bare ASGI endpoint (see the module docstring)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "GET":  # Starlette adds HEAD to GET routes; FastAPI's does not
            raise HTTPException(405, headers={"Allow": "GET"})
        response = await json_response(Request(scope, receive), scope["path_params"]["code"])
        await response(scope, receive, send)


def add_lean_route(router: APIRouter) -> None:
    """Call before the FastAPI route of the same path is added: routes are tried in order.
    Starlette serves a non-function endpoint as a plain ASGI app, which FastAPI's annotation
    does not admit."""
    router.add_route(
        "/api/v1/verify/{code:gimark_code}",
        LeanVerifyJson(),  # type: ignore[arg-type]
        methods=["GET"],
        include_in_schema=False,
    )
