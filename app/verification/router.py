"""The public check's routes (JSON, pages, the home form's target; the GS1 Digital Link
resolver is ``resolver``'s) and
the staff's scan listings. Three routers, one per audience and documentation: ``public``,
``router`` (``/api/v1/scans``) and ``typed_code``, the home page's form, which like every HTML
page is left out of the API's documentation. The JSON check's hot path is in ``lean``."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.core.db import SessionDep
from app.core.pagination import CursorDep, CursorPage
from app.core.permissions import PUBLIC, permit
from app.core.principal import Principal
from app.label.code import normalise
from app.verification import listings
from app.verification.lean import MAX_CODE_INPUT, add_lean_route, check, json_response
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
# The home page's form (its page is app.web's): not in the API's documentation.
typed_code = APIRouter(tags=["public pages"], dependencies=[PUBLIC], include_in_schema=False)

CodePath = Annotated[
    str, Path(max_length=MAX_CODE_INPUT, description="the label code, any case, hyphens ok")
]


add_lean_route(public)  # before the FastAPI route of the same path: the hot path


@public.get("/api/v1/verify/{code}", response_model=VerifyResponse)
async def verify_json(request: Request, code: CodePath) -> Response:
    """The verdict for a label code, with the reason and what to do next (JSON)."""
    return await json_response(request, code)


@public.post("/api/v1/verify/{code}/location")
async def share_location(request: Request, code: CodePath, body: LocationShare) -> VerifyResponse:
    """The page's "share location" button: a check with a location rounded to 0.1°."""
    return await check(request, code, (body.latitude, body.longitude))


async def _page(request: Request, code: str) -> HTMLResponse:
    result = await check(request, code)
    return render(request, "verify.html", {"r": result})


@public.get("/v/{code}", response_class=HTMLResponse)
async def verify_page(request: Request, code: CodePath) -> HTMLResponse:
    """The page a phone opens when it scans a label."""
    return await _page(request, code)


@public.get("/V/{code}", response_class=HTMLResponse, include_in_schema=False)
async def verify_page_upper(request: Request, code: CodePath) -> HTMLResponse:
    # QR codes carry the URL in upper case (alphanumeric mode), path included.
    return await _page(request, code)


SuspiciousSearch = Annotated[
    str | None,
    Query(
        max_length=100,
        description="a substring of the code, the lot number, or the enterprise's name or USCC",
    ),
]
SuspiciousOrder = Annotated[
    Literal["-flagged_at", "flagged_at"],
    Query(description="indexed orders only: `-flagged_at` newest flag first, or oldest first"),
]
ScanOrder = Annotated[
    Literal["-scanned_at", "scanned_at"],
    Query(description="indexed orders only: `-scanned_at` newest first, or oldest first"),
]


@router.get("/suspicious")
async def suspicious(
    session: SessionDep,
    _actor: Annotated[Principal, permit("scan.suspicious")],
    page: CursorDep,
    q: SuspiciousSearch = None,
    sort: SuspiciousOrder = "-flagged_at",
) -> CursorPage[SuspiciousCode]:
    """Codes flagged as possibly copied, with the evidence that flagged them."""
    found = await listings.list_suspicious(session, page, q, sort)
    return found.page(found.items, page)


@router.get("")
async def list_scans(
    session: SessionDep,
    actor: Annotated[Principal, permit("scan.list")],
    page: CursorDep,
    code: Annotated[str | None, Query(max_length=24)] = None,
    batch_id: Annotated[int | None, Query(ge=1)] = None,
    sort: ScanOrder = "-scanned_at",
) -> CursorPage[ScanRead | ScanForLicensee]:
    """Scans of labels: a licensee sees only scans of its own labels, and not the scanners'
    network prefixes (regulators do)."""
    found = await listings.list_scans(session, actor, page, code, batch_id, sort)
    view = ScanForLicensee if actor.is_licensee else ScanRead
    items = [view.model_validate(r, from_attributes=True) for r in found.items]
    return found.page(items, page)


# A printed code is 20 characters in groups of four; generous room for spaces and hyphens.
MAX_TYPED_CODE = 64


@typed_code.get("/check")
async def check_typed_code(
    request: Request, code: Annotated[str, Query(max_length=MAX_TYPED_CODE)] = ""
) -> Response:
    """The home form's target: the typed code, in any case, with or without hyphens or
    spaces, leads to its verdict page ``/v/{CODE}`` (the same page the QR opens)."""
    lang = choose_lang(request)
    normalised = normalise(code)
    if not normalised:
        return render(request, "home.html", {"typed": code, "error": True}, status_code=422)
    return RedirectResponse(f"/v/{quote(normalised, safe='')}?lang={lang}", status_code=303)
