"""Pagination shared by every list endpoint: offset pages for small lists, keyset cursors for the
large ones (labels, scans, audit events, batches).

``OFFSET n`` makes the database read and throw away ``n`` rows, so page 2,000 of the scans costs
what the first 100,000 scans cost, and a row inserted between two requests shifts every later
page (a duplicate or a gap). A keyset page resumes *after* the last row seen,
``WHERE (sort_key, id) < (:k, :id) ORDER BY sort_key DESC, id DESC``, which is one index descent
whatever the depth and is stable under inserts. The large lists still accept ``offset`` (older
clients page that way); a ``cursor`` is the new, optional way, and both answer ``next_cursor``.

Counting a million rows for "page 1 of N" costs more than the page itself, so the large lists
count exactly only up to :data:`TOTAL_CAP` rows; above it, ``total`` is PostgreSQL's planner
estimate for the filtered query (SQLite has none: there it is the cap itself, read as "more
than") and ``total_is_estimate`` says so.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Row, Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.errors import Unprocessable
from app.core.explain import planner_rows

T = TypeVar("T")

# Exact totals up to here; above, an estimate (flagged). A module constant so tests can lower it.
TOTAL_CAP = 10_000
# The planner's estimate is taken without counting only when it is this many times the cap:
# estimates can be off by a few times, and a list of a few hundred rows must show its count.
PLANNER_TRUSTED_ABOVE = 10
# A cursor carries a list name, a sort and two key values: far below this.
MAX_CURSOR_LENGTH = 512
CURSOR_VERSION = 1
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class PageParams(BaseModel):
    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="page size")] = 50,
    offset: Annotated[int, Query(ge=0, description="rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


async def paginate(
    session: AsyncSession, query: Select[T], page: PageParams
) -> tuple[list[T], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(page.limit).offset(page.offset))
    return list(rows), int(total or 0)


async def paginate_rows(
    session: AsyncSession, query: Select[*tuple[Any, ...]], page: PageParams
) -> tuple[list[Row[*tuple[Any, ...]]], int]:
    """Like :func:`paginate`, for queries that select several columns."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(page.limit).offset(page.offset))
    return list(rows), int(total or 0)


# --- keyset pages for the large lists -------------------------------------------------------


class CursorParams(PageParams):
    cursor: str | None = None


CURSOR_HELP = (
    "opaque: the `next_cursor` of the previous page of this list, with the same sort. "
    "Resumes after that page's last row, so rows added meanwhile cause no duplicate or gap. "
    "Not together with `offset`."
)


async def cursor_params(
    limit: Annotated[int, Query(ge=1, le=200, description="page size")] = 50,
    offset: Annotated[int, Query(ge=0, description="rows to skip")] = 0,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_LENGTH, description=CURSOR_HELP)
    ] = None,
) -> CursorParams:
    if cursor and offset:
        raise Unprocessable("give either cursor or offset, not both", field="query.cursor")
    return CursorParams(limit=limit, offset=offset, cursor=cursor or None)


CursorDep = Annotated[CursorParams, Depends(cursor_params)]


class CursorPage(Page[T], Generic[T]):
    """A page of a large list. Only adds fields to :class:`Page`."""

    total: int = Field(
        description="exact up to 10,000 rows; above, an estimate (see total_is_estimate)"
    )
    total_is_estimate: bool = Field(
        default=False,
        description="true when total is above 10,000 and not counted exactly: PostgreSQL's "
        "planner estimate, or on SQLite 10,000 meaning 'more than'",
    )
    next_cursor: str | None = Field(
        default=None, description="pass as `cursor` for the next page; null on the last page"
    )

    # The large lists answered ``Page[...]`` before. Under that name in the OpenAPI document
    # (pydantic keys a schema by the generic's qualified name, titles it by the parametrized
    # name), their response schemas only gain fields and generated clients keep their types.
    __qualname__ = "Page"

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        return "Page" + super().model_parametrized_name(params).removeprefix(cls.__name__)


@dataclass(frozen=True)
class Keyset:
    """An order a list may be read in: ``columns`` lead with the sort key and end with a unique
    one (the tie-breaker); an index must lead with the same columns (``CursorPage`` lists
    offer no other sorts). ``name`` binds a cursor to its list and sort."""

    name: str
    columns: tuple[InstrumentedAttribute[Any], ...]
    descending: bool = True

    def order(self) -> list[ColumnElement[Any]]:
        return [c.desc() if self.descending else c.asc() for c in self.columns]

    def after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        """Rows strictly past ``values`` in this order. A row-value comparison, which both
        PostgreSQL and SQLite (≥ 3.15) answer from an index on the same columns."""
        bound = [literal(v, c.type) for c, v in zip(self.columns, values, strict=True)]
        if len(self.columns) == 1:
            column, value = self.columns[0], bound[0]
            return column < value if self.descending else column > value
        if self.descending:
            return tuple_(*self.columns) < tuple_(*bound)
        return tuple_(*self.columns) > tuple_(*bound)


def encode_cursor(keyset: Keyset, values: Sequence[Any]) -> str:
    keys = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps([CURSOR_VERSION, keyset.name, keys], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(keyset: Keyset, cursor: str) -> list[Any]:
    """The key values a cursor of ``keyset`` carries; 422 for anything else.

    Validated, not signed: a cursor only says where to resume. Scoping stays in the query's
    WHERE clause, so a forged cursor can reach no row its holder could not page to anyway;
    what must never happen is a 500, hence every shape and type is checked here."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, name, keys = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise _bad_cursor("this cursor is not one this server made") from exc
    if version != CURSOR_VERSION or name != keyset.name:
        raise _bad_cursor("this cursor belongs to another list or sort order")
    if not isinstance(keys, list) or len(keys) != len(keyset.columns):
        raise _bad_cursor("this cursor is not one this server made")
    return [_typed(column, key) for column, key in zip(keyset.columns, keys, strict=True)]


def _typed(column: InstrumentedAttribute[Any], key: Any) -> Any:
    expected = column.type.python_type
    if expected is datetime and isinstance(key, str):
        try:
            value = datetime.fromisoformat(key)
        except ValueError as exc:
            raise _bad_cursor("this cursor carries a malformed time") from exc
        if value.tzinfo is None:
            raise _bad_cursor("this cursor carries a time without a zone")
        return value
    if expected is int and isinstance(key, int) and not isinstance(key, bool):
        if not BIGINT_MIN <= key <= BIGINT_MAX:  # asyncpg would refuse to bind it: a 500
            raise _bad_cursor("this cursor carries an out-of-range key")
        return key
    if expected is str and isinstance(key, str):
        return key
    raise _bad_cursor("this cursor is not one this server made")


def _bad_cursor(detail: str) -> Unprocessable:
    return Unprocessable(detail, field="query.cursor")


@dataclass(frozen=True)
class KeysetSlice(Generic[T]):
    """One page of a large list, before it is turned into a response model."""

    items: list[T]
    total: int
    total_is_estimate: bool
    next_cursor: str | None

    def page(self, items: list[Any], params: CursorParams) -> CursorPage[Any]:
        return CursorPage(
            items=items,
            total=self.total,
            total_is_estimate=self.total_is_estimate,
            limit=params.limit,
            offset=params.offset,
            next_cursor=self.next_cursor,
        )


async def keyset_paginate_rows(
    session: AsyncSession, query: Select[*tuple[Any, ...]], keyset: Keyset, params: CursorParams
) -> KeysetSlice[tuple[Any, ...]]:
    """A page of ``query`` (its own ORDER BY is replaced by the keyset's), resuming after
    ``params.cursor`` or skipping ``params.offset`` rows, with a capped total."""
    total, estimated = await capped_total(session, query)
    rows = list(await session.execute(keyset_query(query, keyset, params)))
    width = len(keyset.columns)
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        next_cursor = encode_cursor(keyset, tuple(rows[-1])[-width:])
    return KeysetSlice([tuple(row)[:-width] for row in rows], total, estimated, next_cursor)


def keyset_query(
    query: Select[*tuple[Any, ...]], keyset: Keyset, params: CursorParams
) -> Select[*tuple[Any, ...]]:
    """``query`` in the keyset's order, past the cursor (or offset), one row more than a page
    (to know whether there is a next one), with the key columns appended to each row."""
    paged = query.order_by(None).order_by(*keyset.order()).add_columns(*keyset.columns)
    if params.cursor:
        paged = paged.where(keyset.after(decode_cursor(keyset, params.cursor)))
    elif params.offset:
        paged = paged.offset(params.offset)
    return paged.limit(params.limit + 1)


async def keyset_paginate(
    session: AsyncSession, query: Select[Any], keyset: Keyset, params: CursorParams
) -> KeysetSlice[Any]:
    """Like :func:`keyset_paginate_rows`, for queries that select one entity."""
    found = await keyset_paginate_rows(session, query, keyset, params)
    return KeysetSlice(
        [row[0] for row in found.items], found.total, found.total_is_estimate, found.next_cursor
    )


async def capped_total(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> tuple[int, bool]:
    """(total, is_estimate). On PostgreSQL the planner is asked first (a millisecond): when it
    expects far more rows than the cap, its estimate is the answer, since counting even the
    first 10,001 rows of a million-row join costs tens of milliseconds. Otherwise the rows are
    counted, at most ``TOTAL_CAP + 1`` of them; past the cap, the planner's estimate (never
    below what was counted) or, on SQLite, the cap."""
    cap = TOTAL_CAP
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    planned = await planner_rows(session, query.order_by(None)) if on_postgresql else 0
    if planned > cap * PLANNER_TRUSTED_ABOVE:
        return planned, True
    capped = query.order_by(None).limit(cap + 1).subquery()
    counted = int(await session.scalar(select(func.count()).select_from(capped)) or 0)
    if counted <= cap:
        return counted, False
    return (max(planned, cap + 1), True) if on_postgresql else (cap, True)
