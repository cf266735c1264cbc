"""Console list pages, one way: read the query string (search, filters, sort, cursor), link to
another sort or the next page, and export the same rows as CSV.

A page declares its list once::

    BATCHES = ListSpec("/console/batches", sorts=("-id", "id"), filters=("status",))

    state = BATCHES.read(request)               # ?q=&status=&sort=&cursor=&format=csv
    found = await label_service.list_readable(  # the service pages by keyset (indexed sorts)
        session, principal, state.params(), status=..., q=state.q, sort=state.sort
    )
    if state.wants_csv:
        rows = await every_page(lambda page: label_service.list_readable(..., page, ...))
        return csv_response("batches", HEADER, [line(b) for b in rows])
    render(..., {"list": state, "found": found})

and its template imports ``list_macros.html`` (``search_form``, ``sort_link``, ``pager``,
``csv_link``), so every list looks and behaves alike. Sorts are the keys the service accepts
(its keyset orders, each backed by an index): a sort name ``"x"`` is ascending, ``"-x"``
descending, and a header link toggles between the two. Filters are plain query parameters the
page interprets; the state keeps them on every link, the CSV link included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from app.core.errors import Unprocessable
from app.core.pagination import MAX_CURSOR_LENGTH, CursorParams, KeysetSlice

T = TypeVar("T")

PAGE_SIZE = 50
MAX_SEARCH = 100
# A CSV answer is built in memory; past this many rows the user narrows the search.
CSV_ROW_CAP = 50_000
CSV_PAGE = 1_000
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ListSpec:
    """A list page: its path, the sorts its service offers (first one the default) and the
    query parameters it filters on."""

    path: str
    sorts: tuple[str, ...]
    filters: tuple[str, ...] = ()
    page_size: int = PAGE_SIZE

    def read(self, request: Request) -> ListState:
        query = request.query_params
        sort = query.get("sort") or self.sorts[0]
        if sort not in self.sorts:
            raise Unprocessable("this list cannot be sorted that way", field="query.sort")
        cursor = query.get("cursor") or None
        if cursor is not None and len(cursor) > MAX_CURSOR_LENGTH:
            raise Unprocessable("this cursor is not one this server made", field="query.cursor")
        filters = {name: query.get(name, "").strip()[:MAX_SEARCH] for name in self.filters}
        return ListState(
            spec=self,
            q=query.get("q", "").strip()[:MAX_SEARCH],
            sort=sort,
            cursor=cursor,
            filters={name: value for name, value in filters.items() if value},
            wants_csv=query.get("format") == "csv",
        )


@dataclass(frozen=True)
class ListState:
    """What the query string asked of a list, and the links that keep it."""

    spec: ListSpec
    q: str
    sort: str
    cursor: str | None
    filters: dict[str, str] = field(default_factory=dict)
    wants_csv: bool = False

    def params(self) -> CursorParams:
        return CursorParams(limit=self.spec.page_size, offset=0, cursor=self.cursor)

    def url(self, **changes: str | None) -> str:
        """This list's address with ``changes`` (``None`` drops a parameter); a new search,
        filter or sort starts at the first page."""
        values: dict[str, str | None] = {"q": self.q, **self.filters}
        if self.sort != self.spec.sorts[0]:
            values["sort"] = self.sort
        values.update(changes)
        kept = {name: value for name, value in values.items() if value}
        return f"{self.spec.path}?{urlencode(kept)}" if kept else self.spec.path

    def next_url(self, cursor: str | None) -> str | None:
        return self.url(cursor=cursor) if cursor else None

    def first_url(self) -> str | None:
        return self.url() if self.cursor else None

    def csv_url(self) -> str:
        return self.url(format="csv")

    def sort_url(self, column: str) -> str:
        """Sort by ``column``: ascending first, descending when it already is ascending."""
        return self.url(sort=f"-{column}" if self.sort == column else column)

    def sortable(self, column: str) -> bool:
        return column in self.spec.sorts or f"-{column}" in self.spec.sorts

    def aria_sort(self, column: str) -> str:
        if self.sort == column:
            return "ascending"
        return "descending" if self.sort == f"-{column}" else "none"

    def filter(self, name: str) -> str:
        return self.filters.get(name, "")


async def every_page(
    fetch: Callable[[CursorParams], Awaitable[KeysetSlice[T]]], cap: int = CSV_ROW_CAP
) -> list[T]:
    """Every row of a keyset list, page after page (each one index descent), up to ``cap``."""
    rows: list[T] = []
    cursor: str | None = None
    while len(rows) < cap:
        found = await fetch(
            CursorParams(limit=min(CSV_PAGE, cap - len(rows)), offset=0, cursor=cursor)
        )
        rows.extend(found.items)
        cursor = found.next_cursor
        if cursor is None:
            break
    return rows


def _cell(value: Any) -> str:
    """Text as a spreadsheet shows it, never as a formula it would run (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_LEAD) else text


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download: UTF-8 with a BOM (so Excel reads Chinese right), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Cache-Control": "no-store",
        },
    )
