"""CSV exports of the console's large lists, streamed page by page over the list's keyset
(the same query and scoping as the page on screen), so an export of the whole audit trail
never holds it in memory and never pages with OFFSET.

The request's session has committed by the time the body streams, so the rows are read with
a session of their own. UTF-8 with a BOM: Excel on a Chinese Windows reads names right."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.core.pagination import CursorParams

PAGE_ROWS = 500

Rows = list[Sequence[object]]
# One page of rows after ``cursor`` (None: the first), and the cursor of the next page.
PageReader = Callable[[AsyncSession, CursorParams], Awaitable[tuple[Rows, str | None]]]


def _lines(rows: Rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        ["" if value is None else str(value) for value in row] for row in rows
    )
    return out.getvalue()


def csv_download(
    database: Database, name: str, header: Sequence[str], read_page: PageReader
) -> StreamingResponse:
    async def body() -> AsyncIterator[str]:
        yield "\ufeff" + _lines([list(header)])
        cursor: str | None = None
        async with database.sessionmaker() as reader:
            while True:
                params = CursorParams(limit=PAGE_ROWS, offset=0, cursor=cursor)
                rows, cursor = await read_page(reader, params)
                if rows:
                    yield _lines(rows)
                if cursor is None:
                    return

    disposition = f'attachment; filename="{name}"'
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
