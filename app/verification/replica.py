"""Public-check reads from a streaming replica, never staler than the last trust change.

DESIGN §6 allows no ``genuine`` after a revocation commits. A replica lags the primary by an
unknown amount, so a lookup may be answered from it only when it has the newest trust change:

1. the primary's trust mark (epoch, WAL position of the last change) is read by a round trip
   that starts after every check it answers arrived (the batcher's rule, ``coalesce``); a
   primary-key probe of a one-row table, far cheaper than the lookup it gates;
2. the replica's replay position, remembered between round trips: it only moves forward, so a
   remembered position at or past the mark is proof enough; one behind is asked again at most
   every ``recheck_seconds``, and meanwhile lookups go to the primary;
3. the lookup on the replica reads the replica's epoch in the same snapshot as the rows; the
   rows are used only if that epoch is at least the primary's (the stored position precedes the
   commit record, see ``app.core.trust``, so step 2 alone is not proof).

Anything else (lagging, unreachable, a query cancelled by recovery) sends the lookup to the
primary: a lagging or dead replica costs speed, never correctness. An unreachable replica is
left alone for ``rest_seconds`` before it is tried again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

import asyncpg

from app.verification.cache import Row
from app.verification.repository import lookups

log = logging.getLogger(__name__)

_UNREACHABLE = (OSError, asyncio.TimeoutError, asyncpg.InterfaceError)


@dataclass
class ReplicaCounts:
    """Where lookups were answered (read by tests and the operator's metrics)."""

    replica: int = 0
    primary_lagging: int = 0
    primary_unreachable: int = 0
    primary_refused: int = 0  # the replica's epoch was behind, or it cancelled the query


@dataclass
class ReplicaReads:
    primary: asyncpg.Pool
    replica: asyncpg.Pool
    timeout: float = 1.0
    recheck_seconds: float = 0.05
    rest_seconds: float = 5.0
    counts: ReplicaCounts = field(default_factory=ReplicaCounts)
    _replayed: int = field(default=-1, init=False)
    _asked_at: float = field(default=float("-inf"), init=False)
    _resting_until: float = field(default=0.0, init=False)

    async def lookup_many(self, codes: list[str]) -> tuple[int, dict[str, Row]]:
        """(epoch, rows by code), as ``lookups.lookup_many`` on the primary would answer."""
        async with self.primary.acquire() as connection:
            epoch, position = await lookups.trust_mark(connection)
        if not codes:  # every check of this round trip had its row cached: the epoch is all
            return epoch, {}
        if await self._caught_up(position):
            found = await self._from_replica(codes, epoch)
            if found is not None:
                self.counts.replica += 1
                return found
        async with self.primary.acquire() as connection:
            return await lookups.lookup_many(connection, codes)

    async def _caught_up(self, position: int) -> bool:
        if self._replayed >= position:
            return True
        now = time.monotonic()
        if now < self._resting_until:
            self.counts.primary_unreachable += 1
            return False
        if now - self._asked_at < self.recheck_seconds:
            self.counts.primary_lagging += 1
            return False
        self._asked_at = now
        try:
            async with self.replica.acquire(timeout=self.timeout) as connection:
                replayed = await asyncio.wait_for(
                    lookups.replayed_position(connection), self.timeout
                )
        except _UNREACHABLE as exc:
            self._rest(exc)
            return False
        self._replayed = max(self._replayed, replayed)
        if self._replayed < position:
            self.counts.primary_lagging += 1
            return False
        return True

    async def _from_replica(
        self, codes: list[str], epoch: int
    ) -> tuple[int, dict[str, Row]] | None:
        try:
            async with self.replica.acquire(timeout=self.timeout) as connection:
                replica_epoch, rows = await asyncio.wait_for(
                    lookups.lookup_many(connection, codes), self.timeout
                )
        except _UNREACHABLE as exc:
            self._rest(exc)
            return None
        except asyncpg.PostgresError:  # e.g. cancelled by a recovery conflict: ask the primary
            self.counts.primary_refused += 1
            return None
        if replica_epoch < epoch:  # replayed past the mark, but not yet the commit itself
            self.counts.primary_refused += 1
            return None
        return replica_epoch, rows

    def _rest(self, exc: BaseException) -> None:
        self.counts.primary_unreachable += 1
        self._resting_until = time.monotonic() + self.rest_seconds
        log.warning("read replica unreachable (%s): checks read the primary", type(exc).__name__)
