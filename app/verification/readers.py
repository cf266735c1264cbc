"""Where verification reads from. Two kinds, one contract (:class:`Reader`):

* ``SessionReader``: through the request's SQLAlchemy session (SQLite, inline scan writes, tests).
  Per check: the epoch probe for a cached code, else the lookup (which reads the epoch too).
* ``PooledReader``: PostgreSQL with batched scans, the production hot path. Lookups of
  concurrent checks are coalesced (``coalesce.LookupBatcher``) into one statement on a bare
  asyncpg connection from a small pool of its own: no SQLAlchemy session, transaction or
  result processing per request, and one round trip for however many checks arrived meanwhile.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import asyncpg
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from app.verification import repository
from app.verification.cache import Row, VerdictCache, current_epoch
from app.verification.coalesce import LookupBatcher
from app.verification.privacy import new_salt
from app.verification.salts import load_or_create


class Reader(Protocol):
    async def label_row(self, code: str) -> Row | None:
        """The lookup row of an issued label, or ``None``; never older than the check."""

    async def salt(self, day: date) -> bytes: ...


class SessionReader:
    def __init__(self, session: AsyncSession, cache: VerdictCache) -> None:
        self.session, self.cache = session, cache

    async def label_row(self, code: str) -> Row | None:
        """One round trip either way: a cached code needs only the epoch probe; any other code
        is looked up with the epoch read in the same statement, which tags it for the cache."""
        connection = await self.session.connection()
        if code in self.cache:
            epoch = await current_epoch(connection)
            self.cache.advance(epoch)
            hit, row = self.cache.get(code, epoch)
            if hit:
                return dict(row) if row else None
        row = await repository.lookup(connection, code)
        if row is None:
            return None
        self.cache.put(code, row.pop("epoch"), row)
        return dict(row)

    async def salt(self, day: date) -> bytes:
        return await load_or_create(self.session, day)


def _for_asyncpg(statement: Any) -> tuple[str, list[Any], int]:
    """The very statement the session path runs, compiled once for asyncpg: its SQL, its
    fixed arguments (the subqueries' LIMIT 1, the epoch row's id) and where the codes go."""
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    compiled: SQLCompiler = statement.compile(dialect=dialect)
    names = list(compiled.positiontup or ())
    return str(compiled), [compiled.params[name] for name in names], names.index("codes")


LOOKUP_MANY_SQL, _ARGUMENTS, _CODES_AT = _for_asyncpg(repository.LOOKUP_MANY)


async def lookup_many(
    connection: asyncpg.Connection, codes: list[str]
) -> tuple[int, dict[str, Row]]:
    """(epoch, rows by code) in one statement: the batcher's round trip."""
    arguments = list(_ARGUMENTS)
    arguments[_CODES_AT] = codes
    records = await connection.fetch(LOOKUP_MANY_SQL, *arguments)
    rows: dict[str, Row] = {}
    for record in records:
        if record["code"] is not None:
            row = dict(record)
            del row["epoch"]
            rows[row["code"]] = row
    return int(records[0]["epoch"]), rows


class PooledReader:
    """Shared by every check of one worker (it holds no per-request state)."""

    def __init__(self, pool: asyncpg.Pool, cache: VerdictCache) -> None:
        self.pool = pool
        self.batcher = LookupBatcher(self._fetch, cache)

    async def _fetch(self, codes: list[str]) -> tuple[int, dict[str, Row]]:
        async with self.pool.acquire() as connection:
            return await lookup_many(connection, codes)

    async def label_row(self, code: str) -> Row | None:
        return await self.batcher.label_row(code)

    async def salt(self, day: date) -> bytes:
        async with self.pool.acquire() as connection:
            await connection.execute(
                "INSERT INTO scan_salt (day, salt) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                day,
                new_salt(),
            )
            salt: bytes = await connection.fetchval(
                "SELECT salt FROM scan_salt WHERE day = $1", day
            )
        return salt


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Connections of this pool only run single read statements and the salt upsert, each its
    own implicit transaction: there is no session state to reset. asyncpg's default reset
    (``RESET ALL; UNLISTEN *; …``) would otherwise cost one more round trip per release."""


# The lookup's best plan is the same for every array of codes (primary-key probes), but with
# an array parameter PostgreSQL keeps re-planning it per execution (~0.75 ms, three times the
# execution itself); these connections run nothing else, so the generic plan is used.
SERVER_SETTINGS = {"plan_cache_mode": "force_generic_plan"}
# A cached plan is only re-made when ANALYZE runs. One made while label_scan_stat (or label)
# was empty, as on a new install or a fresh benchmark database, scans that table once per code
# as it grows: measured, 20-30 ms a round trip at 20,000 scanned codes instead of 0.3 ms.
# Statements are therefore prepared afresh (and re-planned on the tables' current sizes) once
# they are this many seconds old: one extra Parse per connection every few seconds.
PLAN_LIFETIME_SECONDS = 10


async def create_pool(sqlalchemy_url: str, size: int) -> asyncpg.Pool:
    """asyncpg has no ``hide_parameters``: its error texts can quote a value (a PostgreSQL
    DETAIL, a rejected argument). They reach only logs, and every log record is scrubbed
    (app/core/logsafety.py); this pool binds label codes, days and salts, never personal data."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    dsn = url.render_as_string(hide_password=False)
    return await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=size,
        reset=_keep_session,
        server_settings=SERVER_SETTINGS,
        max_cached_statement_lifetime=PLAN_LIFETIME_SECONDS,
    )
