"""Real committed transactions, for race tests.

The ordinary ``client`` fixture runs every request inside the test's one rolled-back
transaction, so requests can never race. Here the app gets its own engine and every request
commits for real, as in production. Committed rows would leak into tests that count a whole
table, so each module of race tests gets a database of its own (:func:`own_database`).
"""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import factories
import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.core import migrate
from app.core.config import Settings
from app.core.db import Database, create_engine, is_sqlite
from app.core.principal import Role
from app.main import create_app

CLIENTS = 50  # concurrent requests per race
ROUNDS = 3  # each race is run this many times, on fresh rows


@asynccontextmanager
async def own_database(settings: Settings, tmp_dir: Path) -> AsyncIterator[Settings]:
    """Settings pointing at a fresh, migrated database beside the run's own."""
    url = settings.resolved_database_url
    if is_sqlite(url):
        url = f"sqlite+aiosqlite:///{tmp_dir / 'committed.db'}"
        await _migrate(url)
        yield settings.model_copy(update={"database_url": url})
        return
    name = f"{make_url(url).database}_races_{secrets.token_hex(3)}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        private_url = make_url(url).set(database=name).render_as_string(hide_password=False)
        await _migrate(private_url)
        yield settings.model_copy(update={"database_url": private_url})
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()


@asynccontextmanager
async def committed_app(settings: Settings) -> AsyncIterator[tuple[Database, httpx.AsyncClient]]:
    # pool_size=25 allows 25 + 25 overflow = CLIENTS connections, so all requests can be inside
    # their transactions at once (the server is shared: no more than that).
    engine = create_engine(settings.resolved_database_url, pool_size=CLIENTS // 2)
    database = Database(engine)
    app = create_app(settings, database)
    # raise_app_exceptions=False: an unexpected error is seen as the 500 a client would get.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("198.51.100.9", 1))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield database, client
    finally:
        await engine.dispose()


async def login_as(
    database: Database, client: httpx.AsyncClient, role: Role, enterprise_id: int | None = None
) -> dict[str, str]:
    async with database.sessionmaker() as session, session.begin():
        account = await factories.user(session, role, enterprise_id)
    return await factories.login(client, account.username)


@dataclass
class World:
    """A committed app and a signed-in regulator: what every race starts from."""

    database: Database
    client: httpx.AsyncClient
    regulator: dict[str, str]


@asynccontextmanager
async def regulator_world(settings: Settings) -> AsyncIterator[World]:
    async with committed_app(settings) as (database, client):
        yield World(database, client, await login_as(database, client, Role.REGULATOR))


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


async def all_at_once(calls: list[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    return list(await asyncio.gather(*calls))
