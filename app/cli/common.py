"""Helpers shared by subcommands: run a coroutine against a database session."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import get_settings
from app.core.db import Database, engine_from_settings
from app.core.requestid import bind_request_id

T = TypeVar("T")

CLI_CHANNEL = "cli"


def _mark_cli_channel() -> None:
    """Audit events of a command carry request id ``cli-…``: the channel the act came through."""
    bind_request_id(f"{CLI_CHANNEL}-{secrets.token_hex(8)}")


def run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction: committed if it returns, rolled back if it raises."""

    async def _run() -> T:
        _mark_cli_channel()  # inside asyncio.run's own context: nothing leaks to the caller
        database = Database(engine_from_settings(get_settings()))
        try:
            async with database.sessionmaker() as session, session.begin():
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(_run())


def run_with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    async def _run() -> T:
        _mark_cli_channel()  # inside asyncio.run's own context: nothing leaks to the caller
        database = Database(engine_from_settings(get_settings()))
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(_run())
