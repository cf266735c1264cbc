"""Writing scans: the in-memory buffer that batches them, and the write of one batch.

In "batched" mode requests only append to an in-process buffer that a background task
flushes every ``scan_flush_seconds`` in one transaction: the verify hot path does no write.
A crash loses at most one interval of scan statistics, never a verdict: verdicts depend on
label, batch and licence state, which are written by their own transactions.

A batch is written in three steps: the privacy-minimised scan rows, each code's running totals
(``repository.scans``), then the clone rules over what the batch added (``clones``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.verification.clones import flag_clones
from app.verification.repository import scans as repository
from app.verification.repository.scans import ScanRecord
from app.verification.verdicts import Verdict

__all__ = ["ScanLog", "ScanRecord", "write_scans"]

logger = logging.getLogger("gimark.scans")


async def write_scans(session: AsyncSession, records: list[ScanRecord]) -> None:
    if not records:
        return
    await repository.add_scans(session, records)
    known = [r for r in records if r.verdict in Verdict.in_circulation()]
    if known:
        located = {r.code for r in known if r.latitude is not None}
        previous = await repository.last_locations(session, located) if located else {}
        totals = await repository.add_to_totals(session, known)
        await flag_clones(session, known, previous, totals)


class ScanLog:
    """Inline: written in the caller's session. Batched: buffered, flushed by a task."""

    def __init__(self, database: Database, batched: bool, interval: float) -> None:
        self.database, self.batched, self.interval = database, batched, interval
        self._buffer: list[ScanRecord] = []
        self._task: asyncio.Task[None] | None = None

    async def record(self, session: AsyncSession | None, record: ScanRecord) -> None:
        if self.batched:
            self._buffer.append(record)
        elif session is not None:
            await write_scans(session, [record])
        else:
            raise RuntimeError("inline scan writes need the request's session")

    async def flush(self) -> int:
        records, self._buffer = self._buffer, []
        if records:
            try:
                async with self.database.sessionmaker() as session, session.begin():
                    await write_scans(session, records)
            except Exception:
                logger.exception("could not write %d scans; they are lost", len(records))
        return len(records)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.flush()

    def start(self) -> None:
        if self.batched and self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
