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

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.types import Receive, Scope, Send

from app.core.clientip import client_ip
from app.core.outage import is_database_outage
from app.verification import service
from app.verification.readers import SessionReader
from app.verification.schemas import VerifyResponse
from app.verification.verdicts import LinkClaim, Verdict
from app.web.i18n import choose_lang

MAX_CODE_INPUT = 64
_NOT_A_LABEL = (Verdict.UNKNOWN, Verdict.MALFORMED)
# The same two verdicts in a serialised answer (pydantic-core writes compact JSON).
_NOT_A_LABEL_JSON = re.compile(rb'"verdict":"(?:unknown|malformed)"')
_SERIALISE = VerifyResponse.__pydantic_serializer__.to_json


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
        answer = await service.verify(pooled, verifier, code, client, lang, claim)
    else:
        async with SessionReader.opened(request.app.state.database, verifier.cache) as reader:
            answer = await service.verify(reader, verifier, code, client, lang, claim)
    if answer.verdict in _NOT_A_LABEL and claim is None and service.may_be_package(verifier, code):
        # A carton's or pallet's code (issue 15): what is in it, never cached.
        async with request.app.state.database.sessionmaker() as session:
            contents = await service.package_answer(session, code, lang)
        return contents or answer
    return answer


async def check_json(request: Request, code: str) -> bytes:
    """:func:`check` as the JSON body, byte for byte (``service.verify_json``'s memo)."""
    try:
        verifier = _verifier(request)
        lang, client = choose_lang(request), _client(request, verifier, None)
        pooled = verifier.pooled
        if pooled is not None:
            body = await service.verify_json(pooled, verifier, code, client, lang)
        else:
            async with SessionReader.opened(request.app.state.database, verifier.cache) as reader:
                body = await service.verify_json(reader, verifier, code, client, lang)
        if _NOT_A_LABEL_JSON.search(body) and service.may_be_package(verifier, code):
            # A carton's or pallet's code (issue 15): what is in it, never cached.
            async with request.app.state.database.sessionmaker() as session:
                contents = await service.package_answer(session, code, lang)
            if contents is not None:
                return _SERIALISE(contents)
        return body
    except Exception as exc:
        if not is_database_outage(exc):
            raise
        lang = choose_lang(request)
        return _SERIALISE(service.from_before_the_outage(_verifier(request), code, lang))


async def json_response(request: Request, code: str) -> Response:
    result = await check(request, code)
    # Serialised by pydantic-core directly: the model is already validated.
    return Response(result.model_dump_json(), media_type="application/json")


class _CodeConvertor(StringConvertor):
    """A path segment of at most ``MAX_CODE_INPUT`` characters, as ``router.CodePath`` admits."""

    regex = f"[^/]{{1,{MAX_CODE_INPUT}}}"


register_url_convertor("gimark_code", _CodeConvertor())


_JSON = (b"content-type", b"application/json")


class LeanVerifyJson:
    """``GET /api/v1/verify/{code}`` as a bare ASGI endpoint (see the module docstring). The
    answer is serialised straight to bytes by pydantic-core and sent with the two headers a
    Starlette ``Response`` would set, in its order, without building one."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "GET":  # Starlette adds HEAD to GET routes; FastAPI's does not
            raise HTTPException(405, headers={"Allow": "GET"})
        body = await check_json(Request(scope, receive), scope["path_params"]["code"])
        headers = [(b"content-length", str(len(body)).encode()), _JSON]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


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
