"""The audit trail on the console: the ledger filtered by action, actor, object and a range
of days, keyset-paged (newest first), exported as CSV with the same filters, and the chain
verified from the page (ok, or the first event that was altered or removed).

The same services as ``/api/v1/audit/events`` and ``/api/v1/audit/verify``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import checkpoints
from app.audit import service as audit_service
from app.console.decision_form import Message
from app.console.deps import permit_console
from app.console.export import Rows, csv_download
from app.console.templates import render
from app.core.db import Database, SessionDep, get_database
from app.core.pagination import MAX_CURSOR_LENGTH, CursorParams
from app.core.principal import Principal
from app.core.time import public_zone

router = APIRouter(prefix="/console/audit", include_in_schema=False)

PAGE_SIZE = 50
Text = Annotated[str, Query(max_length=64)]


@dataclass
class Filters:
    """The filters as typed (shown again as typed), and what they mean for the query."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    since: str = ""
    until: str = ""
    errors: dict[str, Message] = field(default_factory=dict)

    def day(self, name: str) -> date | None:
        text = getattr(self, name)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors[name] = ("日期格式应为 年-月-日。", "Give the date as YYYY-MM-DD.")
            return None

    def query(self) -> dict[str, Any]:
        """The service's keyword arguments: days in the GI's time zone, ``until`` inclusive."""
        since, until = self.day("since"), self.day("until")
        if since and until and until < since:
            self.errors["until"] = ("截止日不能早于起始日。", "The last day is before the first.")
        return {
            "object_type": self.object_type or None,
            "object_id": self.object_id or None,
            "action": self.action or None,
            "actor": self.actor or None,
            "since": _day_start(since) if since else None,
            "before": _day_start(until + timedelta(days=1)) if until else None,
        }

    def link(self) -> str:
        """These filters as a query string, for the next page and the CSV."""
        pairs = {k: v for k, v in self.__dict__.items() if k != "errors" and v}
        return "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs.items())


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, public_zone())


async def filters(
    action: Text = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    object_type: Annotated[str, Query(max_length=40)] = "",
    object_id: Text = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> Filters:
    return Filters(
        action.strip(),
        actor.strip(),
        object_type.strip(),
        object_id.strip(),
        since.strip(),
        until.strip(),
    )


FiltersDep = Annotated[Filters, Depends(filters)]


async def _page(
    request: Request,
    session: AsyncSession,
    wanted: Filters,
    cursor: str | None,
    verification: Any = None,
) -> HTMLResponse:
    query = wanted.query()
    context: dict[str, Any] = {
        "filters": wanted,
        "link": wanted.link(),
        "first_page": cursor is None,
        "verification": verification,
        "events": [],
        "total": 0,
        "estimate": False,
        "next_cursor": None,
    }
    if wanted.errors:
        return render(request, "audit.html", context, 422)
    params = CursorParams(limit=PAGE_SIZE, offset=0, cursor=cursor)
    found = await audit_service.list_events(
        session,
        params,
        query["object_type"],
        query["object_id"],
        query["action"],
        actor=query["actor"],
        since=query["since"],
        before=query["before"],
    )
    context |= {
        "events": found.items,
        "total": found.total,
        "estimate": found.total_is_estimate,
        "next_cursor": found.next_cursor,
    }
    return render(request, "audit.html", context)


@router.get("", response_class=HTMLResponse)
async def audit_page(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("audit.list")],
    wanted: FiltersDep,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> HTMLResponse:
    return await _page(request, session, wanted, cursor or None)


@router.get("/verify", response_class=HTMLResponse)
async def verify_chain(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("audit.verify")],
    wanted: FiltersDep,
) -> HTMLResponse:
    """Read-only, so a GET (a link or a button of a GET form): recomputes every hash."""
    report = await checkpoints.verify(session)
    return await _page(request, session, wanted, None, verification=report)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


CSV_HEADER = (
    "seq",
    "occurred_at",
    "actor",
    "role",
    "action",
    "object_type",
    "object_id",
    "reason",
    "before",
    "after",
    "hash",
)


@router.get("/export.csv")
async def audit_csv(
    database: Annotated[Database, Depends(get_database)],
    _principal: Annotated[Principal, permit_console("audit.list")],
    wanted: FiltersDep,
) -> Response:
    query = wanted.query()
    if wanted.errors:
        return Response("invalid filters", status_code=422)

    async def read_page(reader: AsyncSession, params: CursorParams) -> tuple[Rows, str | None]:
        found = await audit_service.list_events(
            reader,
            params,
            query["object_type"],
            query["object_id"],
            query["action"],
            actor=query["actor"],
            since=query["since"],
            before=query["before"],
        )
        rows: Rows = [
            (
                e.seq,
                e.occurred_at.isoformat(),
                e.actor,
                e.role,
                e.action,
                e.object_type,
                e.object_id,
                e.reason,
                _json(e.before),
                _json(e.after),
                e.hash,
            )
            for e in found.items
        ]
        return rows, found.next_cursor

    return csv_download(database, "audit-trail.csv", CSV_HEADER, read_page)
