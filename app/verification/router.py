from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.types import Receive, Scope, Send

from app.core.clientip import client_ip
from app.core.db import Database, SessionDep
from app.core.pagination import Page, PageDep, paginate, paginate_rows
from app.core.permissions import PUBLIC, permit
from app.core.principal import Principal
from app.label.models import Label, LabelBatch
from app.verification import service
from app.verification.models import LabelScanStat, Scan
from app.verification.readers import SessionReader
from app.verification.schemas import (
    LocationShare,
    ScanForLicensee,
    ScanRead,
    SuspiciousCode,
    VerifyResponse,
)
from app.web.i18n import choose_lang
from app.web.templates import render

public = APIRouter(tags=["public verification"], dependencies=[PUBLIC])
router = APIRouter(prefix="/api/v1/scans", tags=["scans"])

MAX_CODE_INPUT = 64
CodePath = Annotated[
    str, Path(max_length=MAX_CODE_INPUT, description="the label code, any case, hyphens ok")
]


def _verifier(request: Request) -> service.Verifier:
    verifier: service.Verifier = request.app.state.verifier
    return verifier


def _client(
    request: Request, verifier: service.Verifier, location: tuple[float, float] | None
) -> service.Client:
    address = client_ip(request.scope, verifier.trusted_proxies)
    return service.Client(address, request.headers.get("user-agent"), location)


async def _verify(
    request: Request, code: str, location: tuple[float, float] | None = None
) -> VerifyResponse:
    """On PostgreSQL with batched scans a check only reads, through the verifier's pooled
    reader, which coalesces concurrent checks into one round trip on a bare asyncpg connection
    (no SQLAlchemy session or transaction per request). Otherwise (SQLite, or scans written
    inline) it gets the ordinary per-request transaction. Plain code rather than a dependency
    or a context manager: this is the hottest path in the service."""
    verifier = _verifier(request)
    lang, client = choose_lang(request), _client(request, verifier, location)
    if verifier.pooled is not None:
        return await service.verify(verifier.pooled, None, verifier, code, client, lang)
    database: Database = request.app.state.database
    async with database.sessionmaker() as session, session.begin():
        reader = SessionReader(session, verifier.cache)
        return await service.verify(reader, session, verifier, code, client, lang)


async def _verify_json(request: Request, code: str) -> Response:
    result = await _verify(request, code)
    # Serialised by pydantic-core directly: the model is already validated.
    return Response(result.model_dump_json(), media_type="application/json")


class _CodeConvertor(StringConvertor):
    """A path segment of at most ``MAX_CODE_INPUT`` characters, as ``CodePath`` admits."""

    regex = f"[^/]{{1,{MAX_CODE_INPUT}}}"


register_url_convertor("gimark_code", _CodeConvertor())


class _LeanVerifyJson:
    """``GET /api/v1/verify/{code}`` served as a bare ASGI endpoint: FastAPI's per-request
    dependency solving, parameter validation and response handling were ~30 % of this
    endpoint's CPU (py-spy), more than the verification itself. The body, headers and errors
    are the same; the middlewares (request id, rate limit, problem+json errors) apply as to
    every route. The FastAPI route below stays: it documents the endpoint in OpenAPI and
    answers what this one does not match (a code over ``MAX_CODE_INPUT`` characters: 422)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "GET":  # Starlette adds HEAD to GET routes; FastAPI's does not
            raise HTTPException(405, headers={"Allow": "GET"})
        response = await _verify_json(Request(scope, receive), scope["path_params"]["code"])
        await response(scope, receive, send)


# Before the FastAPI route of the same path: routes are tried in order. Starlette serves a
# non-function endpoint as a plain ASGI app, which FastAPI's annotation does not admit.
public.add_route(
    "/api/v1/verify/{code:gimark_code}",
    _LeanVerifyJson(),  # type: ignore[arg-type]
    methods=["GET"],
    include_in_schema=False,
)


@public.get("/api/v1/verify/{code}", response_model=VerifyResponse)
async def verify_json(request: Request, code: CodePath) -> Response:
    """The verdict for a label code, with the reason and what to do next (JSON)."""
    return await _verify_json(request, code)


@public.post("/api/v1/verify/{code}/location")
async def share_location(request: Request, code: CodePath, body: LocationShare) -> VerifyResponse:
    """The page's "share location" button: a check with a location rounded to 0.1°."""
    return await _verify(request, code, (body.latitude, body.longitude))


async def _page(request: Request, code: str) -> HTMLResponse:
    result = await _verify(request, code)
    return render(request, "verify.html", {"r": result})


@public.get("/v/{code}", response_class=HTMLResponse)
async def verify_page(request: Request, code: CodePath) -> HTMLResponse:
    """The page a phone opens when it scans a label."""
    return await _page(request, code)


@public.get("/V/{code}", response_class=HTMLResponse, include_in_schema=False)
async def verify_page_upper(request: Request, code: CodePath) -> HTMLResponse:
    # QR codes carry the URL in upper case (alphanumeric mode), path included.
    return await _page(request, code)


@public.get("/01/{gtin}/10/{lot}/21/{code}", response_class=HTMLResponse)
async def digital_link(
    request: Request,
    gtin: Annotated[str, Path(pattern=r"^\d{8,14}$")],
    lot: Annotated[str, Path(max_length=64)],
    code: CodePath,
) -> HTMLResponse:
    """GS1 Digital Link form of the label URL; resolves to the same verdict."""
    return await _page(request, code)


@router.get("/suspicious")
async def suspicious(
    session: SessionDep, _actor: Annotated[Principal, permit("scan.suspicious")], page: PageDep
) -> Page[SuspiciousCode]:
    """Codes flagged as possibly copied, with the evidence that flagged them."""
    query = (
        select(LabelScanStat, LabelBatch.id, LabelBatch.enterprise_id)
        .join(Label, Label.code == LabelScanStat.code)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(LabelScanStat.flagged_at.is_not(None))
        .order_by(LabelScanStat.flagged_at.desc())
    )
    rows, total = await paginate_rows(session, query, page)
    items = [_suspicious(*row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


def _suspicious(stat: LabelScanStat, batch_id: int, enterprise_id: int) -> SuspiciousCode:
    return SuspiciousCode(
        code=stat.code,
        reason=stat.suspect_reason,
        evidence=stat.suspect_evidence or {},
        flagged_at=stat.flagged_at,
        scan_count=stat.scan_count,
        batch_id=batch_id,
        enterprise_id=enterprise_id,
    )


@router.get("")
async def list_scans(
    session: SessionDep,
    actor: Annotated[Principal, permit("scan.list")],
    page: PageDep,
    code: Annotated[str | None, Query(max_length=24)] = None,
    batch_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[ScanRead | ScanForLicensee]:
    """Scans of labels: a licensee sees only scans of its own labels, and not the scanners'
    network prefixes (regulators do)."""
    query = (
        select(Scan)
        .join(Label, Label.code == Scan.code)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
    )
    if actor.is_licensee:
        query = query.where(LabelBatch.enterprise_id == actor.enterprise_id)
    if code:
        query = query.where(Scan.code == code.replace("-", "").upper())
    if batch_id:
        query = query.where(LabelBatch.id == batch_id)
    rows, total = await paginate(session, query.order_by(Scan.scanned_at.desc()), page)
    view = ScanForLicensee if actor.is_licensee else ScanRead
    items = [view.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
