"""EPCIS 2.0 over REST: the event query (``GET /events``) and capture (``POST /capture``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse

from app.auth.deps import SettingsDep
from app.core.db import SessionDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.epcis import capture, service
from app.epcis.schemas import CaptureRead, EventType

router = APIRouter(prefix="/api/v1/epcis", tags=["EPCIS"])

LD_JSON = "application/ld+json"
MAX_PER_PAGE = 50
_DOCUMENT = {
    "type": "object",
    "description": "an EPCISQueryDocument (EPCIS 2.0 JSON-LD): "
    "`epcisBody.queryResults.resultsBody.eventList`",
}
_NEXT = {
    "Link": {
        "description": 'the next page, `<…?nextPageToken=…>; rel="next"` (absent on the last)',
        "schema": {"type": "string"},
    },
    "GS1-Next-Page-Token": {
        "description": "the token alone, for `nextPageToken`",
        "schema": {"type": "string"},
    },
}


def _media_type(request: Request) -> str:
    """JSON-LD unless the client asks for plain JSON only."""
    accept = request.headers.get("accept", "")
    return (
        "application/json" if "application/json" in accept and "ld+json" not in accept else LD_JSON
    )


@router.get(
    "/events",
    response_class=JSONResponse,
    responses={
        200: {
            "description": "one page of events, oldest first",
            "content": {LD_JSON: {"schema": _DOCUMENT}, "application/json": {"schema": _DOCUMENT}},
            "headers": _NEXT,
        }
    },
)
async def query_events(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("epcis.read")],
    event_type: Annotated[EventType | None, Query(alias="eventType")] = None,
    ge_event_time: Annotated[
        datetime | None, Query(alias="GE_eventTime", description="events at or after")
    ] = None,
    lt_event_time: Annotated[
        datetime | None, Query(alias="LT_eventTime", description="events before")
    ] = None,
    match_epc: Annotated[
        str | None,
        Query(
            alias="MATCH_epc",
            max_length=500,
            description="events listing it in `epcList` or `childEPCs`: a label (its EPC, "
            "Digital Link, public URL or code) or a carton (its SSCC or gimark code, as a "
            "child of its pallet's events)",
        ),
    ] = None,
    match_parent_id: Annotated[
        str | None,
        Query(
            alias="MATCH_parentID",
            max_length=500,
            description="events whose `parentID` it is: a carton or a pallet (its SSCC, as "
            "`https://id.gs1.org/00/…`, an EPC URN or its digits, or its gimark code)",
        ),
    ] = None,
    match_any_epc: Annotated[
        str | None,
        Query(
            alias="MATCH_anyEPC",
            max_length=500,
            description="events naming it anywhere: `epcList`, `childEPCs`, `parentID`, "
            "`inputEPCList` or `outputEPCList`",
        ),
    ] = None,
    eq_biz_step: Annotated[
        str | None,
        Query(alias="EQ_bizStep", max_length=200, description="a CBV step (`commissioning`)"),
    ] = None,
    next_page_token: Annotated[str | None, Query(alias="nextPageToken", max_length=200)] = None,
    per_page: Annotated[int, Query(alias="perPage", ge=1, le=MAX_PER_PAGE)] = 20,
) -> JSONResponse:
    """gimark's own events (commissioning at issue, activation, inspection, recall,
    revocation, void, units into cartons and cartons onto pallets) and the events the licensee
    captured, as an EPCISQueryDocument; a licensee sees its own. The `MATCH_*` parameters
    given are all applied (AND), as the standard's are. Follow the `Link` header (or pass
    `GS1-Next-Page-Token` as `nextPageToken`) for the next page; an act naming more than 500
    EPCs reads as several events of 500."""
    query = service.EventQuery(
        event_type,
        ge_event_time,
        lt_event_time,
        match_epc,
        eq_biz_step,
        next_page_token,
        per_page,
        match_parent_id,
        match_any_epc,
    )
    page = await service.query_events(session, actor, query, settings.public_base_url)
    headers = {}
    if page.next_token is not None:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "nextPageToken"]
        link = f"{request.url.path}?{urlencode([*params, ('nextPageToken', page.next_token)])}"
        headers = {"Link": f'<{link}>; rel="next"', "GS1-Next-Page-Token": page.next_token}
    return JSONResponse(page.document, media_type=_media_type(request), headers=headers)


@router.post("/capture", status_code=201)
async def capture_events(
    session: SessionDep,
    actor: Annotated[Principal, permit("epcis.capture")],
    document: Annotated[dict[str, Any], Body(description="an EPCISDocument (EPCIS 2.0 JSON-LD)")],
) -> CaptureRead:
    """Store events from the licensee's own system (e.g. its packing line). The document is
    checked against the EPCIS 2.0 JSON schema and every EPC against the licensee's labels;
    a refusal (422) lists each failure with its JSON path, and stores nothing."""
    record, event_ids = await capture.capture(session, actor, document)
    return CaptureRead(capture_id=record.id, event_count=record.event_count, event_ids=event_ids)
