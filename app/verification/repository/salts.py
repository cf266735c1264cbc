"""The ``scan_salt`` table: one address-hashing salt per UTC day (why so: ``../salts.py``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import asyncpg
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.verification.models import ScanSalt


async def salt_of(session: AsyncSession, day: date) -> bytes | None:
    salt: bytes | None = await session.scalar(select(ScanSalt.salt).where(ScanSalt.day == day))
    return salt


async def add_salt_unless_taken(session: AsyncSession, day: date, salt: bytes) -> None:
    """ON CONFLICT DO NOTHING: if another worker stored the day's salt first, theirs stays."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(ScanSalt).values(day=day, salt=salt).on_conflict_do_nothing()
    await session.execute(insert)


async def salt_of_day_on(connection: asyncpg.Connection, day: date, salt: bytes) -> bytes:
    """The pooled reader's form (a bare asyncpg connection, PostgreSQL): store ``salt`` unless
    the day has one, then read the day's salt, whoever stored it."""
    await connection.execute(
        "INSERT INTO scan_salt (day, salt) VALUES ($1, $2) ON CONFLICT DO NOTHING", day, salt
    )
    stored: bytes = await connection.fetchval("SELECT salt FROM scan_salt WHERE day = $1", day)
    return stored


async def salt_days(session: AsyncSession) -> list[date]:
    return list(await session.scalars(select(ScanSalt.day)))


async def delete_salts(session: AsyncSession, days: Collection[date]) -> None:
    await session.execute(delete(ScanSalt).where(ScanSalt.day.in_(days)))
