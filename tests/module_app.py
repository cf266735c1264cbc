"""An app for a whole test module, over one connection whose transaction is rolled back at the
end: a matrix test builds its world and signs its accounts in once, and runs each request in a
savepoint of its own (``connection.begin_nested()``), rolled back after it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.db import Database
from app.main import create_app


@dataclass
class ModuleApp:
    app: Any
    connection: AsyncConnection
    sessionmaker: async_sessionmaker[AsyncSession]


@asynccontextmanager
async def module_app(engine: AsyncEngine, settings: Settings) -> AsyncIterator[ModuleApp]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        maker = async_sessionmaker(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        try:
            yield ModuleApp(create_app(settings, Database(engine, maker)), connection, maker)
        finally:
            await transaction.rollback()
