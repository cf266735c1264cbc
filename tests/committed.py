"""Real committed transactions, for race tests.

The ordinary ``client`` fixture runs every request inside the test's one rolled-back
transaction, so requests can never race. Here the app gets its own engine and every request
commits for real, as in production; each test builds its own rows and leaves them behind in
the run's private database.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager

import factories
import httpx

from app.auth.models import Role
from app.core.config import Settings
from app.core.db import Database, create_engine
from app.main import create_app

CLIENTS = 50  # concurrent requests per race
ROUNDS = 3  # each race is run this many times, on fresh rows


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


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


async def all_at_once(calls: list[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    return list(await asyncio.gather(*calls))
