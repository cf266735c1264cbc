"""Where verification reads from. Two kinds, one contract (:class:`Reader`):

* ``SessionReader``: one SQLAlchemy session and transaction per check, which the reader opens
  and closes itself (SQLite, inline scan writes, tests); scans written inline go into that
  transaction. Per check: the epoch probe for a cached code, else the lookup (which reads the
  epoch too).
* ``PooledReader``: PostgreSQL with batched scans, the production hot path. Lookups of
  concurrent checks are coalesced (``coalesce.LookupBatcher``) into one statement on a bare
  asyncpg connection from a small pool of its own: no SQLAlchemy session, transaction or
  result processing per request, and one round trip for however many checks arrived meanwhile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Protocol

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.verification.cache import Row, VerdictCache
from app.verification.coalesce import LookupBatcher
from app.verification.privacy import new_salt
from app.verification.replica import ReplicaReads
from app.verification.repository import lookups
from app.verification.repository.salts import salt_of_day_on
from app.verification.salts import load_or_create


class Reader(Protocol):
    @property
    def session(self) -> AsyncSession | None:
        """The transaction a scan written inline goes into; ``None`` where scans are batched."""

    async def label_row(self, code: str) -> Row | None:
        """The lookup row of an issued label, or ``None``; never older than the check."""

    async def salt(self, day: date) -> bytes: ...


class SessionReader:
    def __init__(self, session: AsyncSession, cache: VerdictCache) -> None:
        self.session, self.cache = session, cache

    @classmethod
    @asynccontextmanager
    async def opened(cls, database: Database, cache: VerdictCache) -> AsyncIterator[SessionReader]:
        """A reader over a session and transaction of its own, committed when the block ends
        (the scan written inline with it), rolled back if the block raises."""
        async with database.sessionmaker() as session, session.begin():
            yield cls(session, cache)

    async def label_row(self, code: str) -> Row | None:
        """One round trip either way: a cached code needs only the epoch probe; any other code
        is looked up with the epoch read in the same statement, which tags it for the cache."""
        connection = await self.session.connection()
        if code in self.cache:
            epoch = await lookups.current_epoch(connection)
            self.cache.advance(epoch)
            hit, row = self.cache.get(code, epoch)
            if hit:
                return dict(row) if row else None
        row = await lookups.lookup(connection, code)
        if row is None:
            return None
        self.cache.put(code, row.pop("epoch"), row)
        return dict(row)

    async def salt(self, day: date) -> bytes:
        return await load_or_create(self.session, day)


class PooledReader:
    """Shared by every check of one worker (it holds no per-request state)."""

    session: None = None  # scans are batched on this path: a check writes nothing

    def __init__(
        self, pool: asyncpg.Pool, cache: VerdictCache, replica: ReplicaReads | None = None
    ) -> None:
        self.pool, self.replica = pool, replica
        self.batcher = LookupBatcher(self._fetch, cache)

    async def _fetch(self, codes: list[str]) -> tuple[int, dict[str, Row]]:
        if self.replica is not None:
            return await self.replica.lookup_many(codes)
        async with self.pool.acquire() as connection:
            return await lookups.lookup_many(connection, codes)

    async def label_row(self, code: str) -> Row | None:
        return await self.batcher.label_row(code)

    async def salt(self, day: date) -> bytes:
        async with self.pool.acquire() as connection:
            return await salt_of_day_on(connection, day, new_salt())


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Connections of this pool only run single read statements and the salt upsert, each its
    own implicit transaction: there is no session state to reset. asyncpg's default reset
    (``RESET ALL; UNLISTEN *; …``) would otherwise cost one more round trip per release."""


# The lookup's best plan is the same for every array of codes (primary-key probes), but with
# an array parameter PostgreSQL keeps re-planning it per execution (~0.75 ms, three times the
# execution itself); these connections run nothing else, so the generic plan is used.
# Every statement they run is a key probe, so sequential scans are ruled out: a plan made
# while label_scan_stat is empty (a new install, a fresh benchmark database) otherwise scans
# it once per code as it fills, seen in auto_explain at 17 ms a round trip with 9,643 rows.
SERVER_SETTINGS = {"plan_cache_mode": "force_generic_plan", "enable_seqscan": "off"}
# A cached plan is only re-made when ANALYZE runs; statements are also prepared afresh (and
# re-planned on the tables' current sizes) once they are this many seconds old, one extra
# Parse per connection every few seconds, so that no plan outlives the sizes it was made for.
PLAN_LIFETIME_SECONDS = 10


async def create_pool(
    sqlalchemy_url: str, size: int, *, min_size: int = 1, connect_seconds: float = 60.0
) -> asyncpg.Pool:
    """``min_size=0`` opens no connection up front (a replica that is down must not stop the
    app from starting); ``connect_seconds`` bounds each connection attempt.

    asyncpg has no ``hide_parameters``: its error texts can quote a value (a PostgreSQL
    DETAIL, a rejected argument). They reach only logs, and every log record is scrubbed
    (app/core/logsafety.py); this pool binds label codes, days and salts, never personal data."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    dsn = url.render_as_string(hide_password=False)
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=size,
        timeout=connect_seconds,
        reset=_keep_session,
        server_settings=SERVER_SETTINGS,
        max_cached_statement_lifetime=PLAN_LIFETIME_SECONDS,
    )
