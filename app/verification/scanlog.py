"""Writing scans: the in-memory buffer that batches them, and the write of one batch.

In "batched" mode requests only append to an in-process buffer that a background task
flushes every ``scan_flush_seconds`` in one transaction: the verify hot path does no write.
A crash loses at most one interval of scan statistics, never a verdict: verdicts depend on
label, batch and licence state, which are written by their own transactions. A graceful stop
(SIGTERM) flushes what is buffered (the app's lifespan calls :meth:`ScanLog.stop`).

While the database cannot be reached a batch that failed to write goes back to the buffer, to
be written when it returns; the buffer is bounded (``max_buffered``), and beyond it the oldest
scans are dropped and counted (``dropped``, in ``/metrics``): memory stays bounded in a long
outage, and the newest scans, the ones the clone rules most need, are kept.

In batched mode a check appends a :class:`PendingScan` (the client's address and User-Agent as
they came): the address's network prefix and salted hash, the browser and OS families and the
rounded location are made by the flush, in bulk, off the response path (measured, issue 16:
~10 % of a check's CPU). The raw address is thus held in this process's memory until the
flush that writes its hash (``scan_flush_seconds``; longer only while the database is down,
within the buffer's bound) and is never written anywhere.

A batch is written in three steps: the privacy-minimised scan rows, each code's running totals
(``repository.scans``), then the clone rules over what the batch added (``clones``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime
from ipaddress import IPv4Address, IPv6Address

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.core.outage import is_database_outage
from app.verification.clones import flag_clones
from app.verification.geo import round_location
from app.verification.privacy import network_prefix, source_hash
from app.verification.repository import scans as repository
from app.verification.repository.scans import ScanRecord
from app.verification.salts import SaltStore, load_or_create
from app.verification.useragent import families
from app.verification.verdicts import Verdict

__all__ = ["PendingScan", "ScanLog", "ScanRecord", "write_scans"]


@dataclass(frozen=True, slots=True)
class PendingScan:
    """A check as the request saw it; made into a :class:`ScanRecord` by the flush."""

    code: str
    scanned_at: datetime
    verdict: str
    address: IPv4Address | IPv6Address
    user_agent: str | None
    location: tuple[float, float] | None

    def minimised(self, salt: bytes) -> ScanRecord:
        latitude, longitude = round_location(*self.location) if self.location else (None, None)
        browser, system = families(self.user_agent)
        return ScanRecord(
            code=self.code,
            scanned_at=self.scanned_at,
            verdict=self.verdict,
            network_prefix=network_prefix(self.address),
            source_hash=source_hash(self.address, salt),
            ua_family=browser,
            os_family=system,
            latitude=latitude,
            longitude=longitude,
        )


async def minimise(
    session: AsyncSession, salts: SaltStore, scans: list[ScanRecord | PendingScan]
) -> list[ScanRecord]:
    """Every scan as it is written. The salt's day is the UTC day on purpose (see
    ``service._record``)."""

    async def load(day: date) -> bytes:
        return await load_or_create(session, day)

    records = []
    for scan in scans:
        if isinstance(scan, PendingScan):
            scan = scan.minimised(await salts.salt_for(load, scan.scanned_at.date()))
        records.append(scan)
    return records


logger = logging.getLogger("gimark.scans")

# A flush runs on the event loop that serves the checks, so it is written in chunks: each
# chunk's statements await the database, and checks are served in between. One flush of ~4,000
# scans (0.5 s at 8,000 checks/s) costs ~100 ms of this process's CPU (minimising, encoding
# the arrays); written whole it held the loop that long, twice a second, and was most of the
# public check's p99 (issue 16, measured). 256 scans are ~5 ms of CPU.
FLUSH_CHUNK = 256


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

    def __init__(
        self,
        database: Database,
        batched: bool,
        interval: float,
        max_buffered: int = 100_000,
        salts: SaltStore | None = None,
    ) -> None:
        self.database, self.batched, self.interval = database, batched, interval
        self.salts = salts or SaltStore()
        self._buffer: deque[ScanRecord | PendingScan] = deque(maxlen=max_buffered)
        self._task: asyncio.Task[None] | None = None
        self.dropped = 0  # scans never written: pushed out of a full buffer, or refused

    @property
    def depth(self) -> int:
        return len(self._buffer)

    async def record(self, session: AsyncSession | None, record: ScanRecord) -> None:
        if self.batched:
            self._append(record)
        elif session is not None:
            await write_scans(session, [record])
        else:
            raise RuntimeError("inline scan writes need the request's session")

    def defer(self, scan: PendingScan) -> None:
        """Batched mode: buffer a check, to be minimised and written by the flush."""
        self._append(scan)

    def _append(self, record: ScanRecord | PendingScan) -> None:
        if len(self._buffer) == self._buffer.maxlen:
            self.dropped += 1  # the deque drops the oldest itself
        self._buffer.append(record)

    async def flush(self) -> int:
        """Write what is buffered in one transaction; the number of scans written."""
        records = list(self._buffer)
        self._buffer.clear()
        if not records:
            return 0
        try:
            async with self.database.sessionmaker() as session, session.begin():
                for first in range(0, len(records), FLUSH_CHUNK):
                    chunk = records[first : first + FLUSH_CHUNK]
                    await write_scans(session, await minimise(session, self.salts, chunk))
        except Exception as exc:
            if is_database_outage(exc):
                self._requeue(records)
                logger.warning("the database is unreachable; %d scans wait", self.depth)
            else:
                self.dropped += len(records)
                logger.exception("could not write %d scans; they are lost", len(records))
            return 0
        return len(records)

    def _requeue(self, records: list[ScanRecord | PendingScan]) -> None:
        """Put a batch that failed back in front of what arrived meanwhile, oldest dropped."""
        arrived = list(self._buffer)
        self._buffer.clear()
        for record in [*records, *arrived]:
            self._append(record)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.flush()

    def start(self) -> None:
        if self.batched and self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop the flushing task and write what is left (a graceful shutdown loses none)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
        if self.depth:
            logger.error("stopping with the database unreachable: %d scans lost", self.depth)
