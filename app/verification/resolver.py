"""The GS1-Conformant Digital Link resolver: ``/01/{gtin}/10/{lot}/21/{serial}`` (the serial
is the label code) and ``/.well-known/gs1resolver``.

One URI, several answers (GS1 resolver standard, content negotiation):

* a browser (``Accept: text/html``, or no preference) gets the verdict page;
* ``Accept: application/json`` gets the verdict as JSON, the twin of ``/api/v1/verify``;
* ``linkType=linkset`` (or ``all``, the older keyword) or ``Accept: application/linkset+json``
  gets the label's RFC 9264 linkset;
* ``linkType=gs1:<type>`` redirects (307) to that link, an unknown type to the default answer.

The GTIN must be one (8, 12, 13 or 14 digits with its check digit: else 400, a page or
problem+json as negotiated), and the verdict is ``mismatch`` when it is not the GTIN of the
label's batch's item or the lot is not the label's batch's. Every answer carries a ``Link``
header to the linkset."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from app.auth.deps import SettingsDep
from app.core.permissions import PUBLIC
from app.label.code import CodeStatus
from app.tradeitem.gtin import as_gtin14, is_valid
from app.verification import linkset
from app.verification.exceptions import BadGTIN, NoSuchLink
from app.verification.lean import MAX_CODE_INPUT, check
from app.verification.readers import SessionReader
from app.verification.service import Verifier
from app.verification.verdicts import LinkClaim
from app.web.negotiation import preferred
from app.web.templates import render

router = APIRouter(tags=["GS1 Digital Link resolver"], dependencies=[PUBLIC])

HTML, JSON, LINKSET = "text/html", "application/json", linkset.LINKSET_MEDIA_TYPE
LINKSET_KEYWORDS = frozenset({"linkset", "all"})


def _claim(gtin: str, lot: str) -> LinkClaim:
    if not is_valid(gtin):
        raise BadGTIN(
            f"{gtin!r} is not a GTIN: 8, 12, 13 or 14 digits ending in the GS1 check digit",
            field="gtin",
        )
    return LinkClaim(as_gtin14(gtin), lot)


async def _row(request: Request, code: str) -> dict[str, object]:
    """The label's lookup row, read without counting a scan (a linkset is fetched by machines,
    not by a shopper checking a pack); 404 for a code that is not an issued label."""
    verifier: Verifier = request.app.state.verifier
    found = verifier.codec.classify(code)
    row = None
    if found.status is CodeStatus.AUTHENTIC:
        async with SessionReader.opened(request.app.state.database, verifier.cache) as reader:
            row = await reader.label_row(found.code)
    if row is None:
        raise NoSuchLink(f"no label {code!r} behind this Digital Link")
    return row


@router.get(
    "/01/{gtin}/10/{lot}/21/{serial}",
    responses={
        200: {"content": {HTML: {}, JSON: {}, LINKSET: {}}},
        307: {"description": "``linkType=gs1:…``: the link of that type"},
        400: {"description": "the GTIN is not one (length, digits or check digit)"},
    },
)
async def resolve(
    request: Request,
    settings: SettingsDep,
    gtin: Annotated[str, Path(max_length=14, description="GTIN-8, -12, -13 or -14")],
    lot: Annotated[str, Path(max_length=64, description="the batch's lot number (AI 10)")],
    serial: Annotated[str, Path(max_length=MAX_CODE_INPUT, description="the label code")],
    link_type: Annotated[
        str | None,
        Query(alias="linkType", max_length=100, description="`linkset`, or a gs1: link type"),
    ] = None,
) -> Response:
    """A label's GS1 Digital Link: the verdict (``mismatch`` if the GTIN or lot is not the
    label's), as a page, JSON or an RFC 9264 linkset by content negotiation."""
    claim = _claim(gtin, lot)
    base = settings.public_base_url
    anchor = linkset.digital_link(base, claim.gtin14, lot, serial.upper())
    headers = {"Link": linkset.link_header(anchor), "Vary": "Accept"}
    wanted = preferred(request.headers.get("accept"), (HTML, JSON, LINKSET))
    specific = linkset.short_link_type(link_type) if link_type else None
    if (link_type or "").lower() in LINKSET_KEYWORDS or wanted == LINKSET:
        document = linkset.linkset(base, anchor, await _row(request, serial))
        return JSONResponse(document, media_type=LINKSET, headers=headers)
    if specific is not None:
        links = linkset.links_of(base, anchor, await _row(request, serial))
        return RedirectResponse(links[specific][0]["href"], status_code=307, headers=headers)
    result = await check(request, serial, claim=claim)
    if wanted == JSON:
        return Response(result.model_dump_json(), media_type=JSON, headers=headers)
    page = render(request, "verify.html", {"r": result})
    page.headers.update(headers)
    return page


@router.get("/.well-known/gs1resolver")
async def resolver_description(settings: SettingsDep) -> JSONResponse:
    """This resolver's description, as the GS1 resolver standard's schema has it."""
    return JSONResponse(linkset.resolver_description(settings.public_base_url))
