"""Helpers shared by subcommands: run a coroutine against a database session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import get_settings
from app.core.db import Database, engine_from_settings

T = TypeVar("T")


def run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction: committed if it returns, rolled back if it raises."""

    async def _run() -> T:
        database = Database(engine_from_settings(get_settings()))
        try:
            async with database.sessionmaker() as session, session.begin():
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(_run())


def run_with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    async def _run() -> T:
        database = Database(engine_from_settings(get_settings()))
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(_run())
