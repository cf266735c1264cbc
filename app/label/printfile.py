"""One print file of a serial range, in any format, written to a path: what a print job
builds (``app.jobs.print_files``) and what ``POST /batches/{id}/print-files`` sends at once
for a range small enough.

The writer (``printing.writers``) runs in one worker thread for the whole file and pulls the
labels a page (5,000) at a time from the event loop, where each page is read in a short
transaction of its own and progress is reported between pages. So the event loop never
renders, memory stays flat, and no transaction stays open for the minutes a big file takes.

Only live labels are written (``printjobs.next_codes``), and the batch must print at all
(``printjobs.prepare``), checked again when a job starts, since the batch may have been
suspended or recalled while the job waited.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Unprocessable
from app.core.principal import Principal
from app.label import printjobs
from app.label.exceptions import PrintSizeRefused
from app.label.printing import writers
from app.label.printing.layout import PrintCheckError
from app.label.printing.sheet import SheetLayout
from app.label.printing.summary import PrintSummary


class PrintFormat(enum.StrEnum):
    PDF = "pdf"
    CSV = "csv"
    PNG = "png"  # one image a label, in a ZIP
    SVG = "svg"  # likewise

    @property
    def extension(self) -> str:
        return "zip" if self in (PrintFormat.PNG, PrintFormat.SVG) else self.value

    @property
    def media_type(self) -> str:
        return {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}.get(
            self.extension, "application/zip"
        )


@dataclass(frozen=True)
class PrintPlan:
    """A file to write: the batch's print data, the serial range and its reconciliation."""

    job: printjobs.PrintJob
    format: PrintFormat
    first: int
    last: int
    summary: PrintSummary

    @property
    def live_labels(self) -> int:
        return self.summary.printed

    @property
    def filename(self) -> str:
        suffix = "" if self.format.extension != "zip" else f"-{self.format.value}"
        name = f"labels-{self.job.lot_number}-{self.first}-{self.last}{suffix}"
        return f"{name}.{self.format.extension}"


async def plan(
    session: AsyncSession,
    actor: Principal,
    batch_id: int,
    base_url: str,
    print_format: PrintFormat,
    serials: tuple[int, int | None] = (1, None),
) -> PrintPlan:
    """Everything a file needs, checked: the batch prints (else 409), the range is in it."""
    job = await printjobs.prepare(session, actor, batch_id, base_url)
    first, last = serials[0], min(serials[1] or job.quantity, job.quantity)
    if first > last:
        raise Unprocessable(
            f"from_serial {first} is past the last serial asked for ({last})", field="from_serial"
        )
    summary = await printjobs.summary(session, job, first, last)
    return PrintPlan(job, print_format, first, last, summary)


Reader = Callable[[], AbstractAsyncContextManager[AsyncSession]]
Progress = Callable[[int, int], Awaitable[None]]  # (labels written, labels in the file)


async def write(plan: PrintPlan, out: Path, read: Reader, progress: Progress) -> int:
    """Write the file to ``out`` (created or truncated); the number of labels written.
    ``read`` opens a session for one page of codes; ``progress`` is awaited after each page
    (a job's may raise ``LeaseLost``: the writer thread then stops at its next page)."""
    feed = _Feed(_pages(plan, read), progress, plan.live_labels, asyncio.get_running_loop())
    try:
        return await asyncio.to_thread(_write_file, plan, out, feed)
    except PrintCheckError as exc:
        raise PrintSizeRefused(str(exc)) from exc
    finally:
        feed.stopped = True  # a cancelled await leaves the thread running: it stops here


async def _pages(plan: PrintPlan, read: Reader) -> AsyncIterator[writers.Chunk]:
    after = plan.first - 1
    while after < plan.last:
        async with read() as session:
            rows = await printjobs.next_codes(session, plan.job.batch_id, after, plan.last)
        if not rows:
            return
        yield [(serial, code, plan.job.url(code)) for serial, code in rows]
        after = rows[-1][0]


class _Feed:
    """The pages, fetched on the event loop, handed to the writer thread one at a time."""

    def __init__(
        self,
        pages: AsyncIterator[writers.Chunk],
        progress: Progress,
        total: int,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.pages, self.progress, self.total, self.loop = pages, progress, total, loop
        self.done = 0
        self.stopped = False

    async def _next(self, previous: int) -> writers.Chunk | None:
        if previous:  # the writer has finished the previous page
            self.done += previous
            await self.progress(self.done, self.total)
        return await anext(self.pages, None)

    def __iter__(self) -> Iterator[writers.Chunk]:
        previous = 0
        while True:
            if self.stopped:
                raise asyncio.CancelledError("the print file's build was stopped")
            page = self._wait(asyncio.run_coroutine_threadsafe(self._next(previous), self.loop))
            if page is None:
                return
            yield page
            previous = len(page)

    def _wait(self, pending: Future[writers.Chunk | None]) -> writers.Chunk | None:
        """The page, waited for in short spans: once the build is stopped (its task cancelled,
        the event loop maybe closing) the thread gives up instead of waiting forever."""
        while True:
            try:
                return pending.result(timeout=1.0)
            except TimeoutError:
                if self.stopped:
                    pending.cancel()
                    raise asyncio.CancelledError("the print file's build was stopped") from None


def _write_file(plan: PrintPlan, out: Path, pages: _Feed) -> int:
    with out.open("wb") as handle:
        if plan.format is PrintFormat.CSV:
            return writers.write_csv(handle, plan.summary.csv_comment(), pages)
        if plan.format is PrintFormat.PDF:
            job = plan.job
            notice = plan.summary.pdf_line()
            return writers.write_pdf(
                handle, pages, job.text, SheetLayout(), job.artwork_png, notice
            )
        summary = f"{plan.summary.chinese()}\n{plan.summary.english()}\n"
        kind: writers.QrKind = "png" if plan.format is PrintFormat.PNG else "svg"
        return writers.write_qr_zip(handle, kind, summary, pages)
