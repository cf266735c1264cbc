"""Job tests run the worker on real, committed transactions (a worker owns its transactions,
so the per-test rolled-back connection cannot host it). Each test uses job kinds of its own,
and a worker claims only the kinds of its registry, so tests never run each other's jobs;
the jobs are deleted afterwards."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from app.core.db import Database
from app.core.jobs.models import Job


class FakeClock:
    """The workers' clock, moved by the test: lease expiry and backoff without waiting."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def kind_prefix(engine) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    prefix = f"test{secrets.token_hex(4)}"
    yield prefix
    async with Database(engine).sessionmaker() as session, session.begin():
        await session.execute(delete(Job).where(Job.kind.like(f"{prefix}%")))


@pytest.fixture
def committed(engine) -> Database:  # type: ignore[no-untyped-def]
    """Sessions that really commit, on the shared test engine."""
    return Database(engine)
