"""Where verification reads from. Two kinds, one contract:

* ``SessionReader``: through the request's SQLAlchemy session (SQLite, inline scan writes, tests);
* ``AsyncpgReader``: PostgreSQL with batched scans, the production hot path. It takes a plain
  asyncpg connection from a small pool of its own: no SQLAlchemy checkout, transaction or
  result processing per request, one round trip for the epoch and one on a cache miss.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import asyncpg
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.verification import repository
from app.verification.cache import EPOCH_SQL, current_epoch
from app.verification.privacy import new_salt
from app.verification.salts import load_or_create


class Reader(Protocol):
    async def epoch(self) -> int: ...
    async def lookup(self, code: str) -> dict[str, Any] | None: ...
    async def salt(self, day: date) -> bytes: ...


class SessionReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def epoch(self) -> int:
        return await current_epoch(await self.session.connection())

    async def lookup(self, code: str) -> dict[str, Any] | None:
        return await repository.lookup(await self.session.connection(), code)

    async def salt(self, day: date) -> bytes:
        return await load_or_create(self.session, day)


# The very statement the session path runs, compiled once for asyncpg; its other bound
# values (the subqueries' LIMIT 1) are fixed, so only the code's position varies.
_COMPILED = repository.LOOKUP_BY_CODE.compile(dialect=postgresql.asyncpg.dialect())  # type: ignore[no-untyped-call]
LOOKUP_SQL = str(_COMPILED)
_ARGUMENTS = [
    None if name == "code" else _COMPILED.params[name] for name in _COMPILED.positiontup or ()
]
_CODE_AT = _ARGUMENTS.index(None)


def _lookup_arguments(code: str) -> list[Any]:
    arguments = list(_ARGUMENTS)
    arguments[_CODE_AT] = code
    return arguments


class AsyncpgReader:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def epoch(self) -> int:
        return int(await self.connection.fetchval(EPOCH_SQL))

    async def lookup(self, code: str) -> dict[str, Any] | None:
        row = await self.connection.fetchrow(LOOKUP_SQL, *_lookup_arguments(code))
        return dict(row) if row else None

    async def salt(self, day: date) -> bytes:
        await self.connection.execute(
            "INSERT INTO scan_salt (day, salt) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            day,
            new_salt(),
        )
        salt: bytes = await self.connection.fetchval(
            "SELECT salt FROM scan_salt WHERE day = $1", day
        )
        return salt


async def create_pool(sqlalchemy_url: str, size: int) -> asyncpg.Pool:
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    dsn = url.render_as_string(hide_password=False)
    return await asyncpg.create_pool(dsn, min_size=1, max_size=size)
