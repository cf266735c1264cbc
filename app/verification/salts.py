"""Daily salts for hashing client addresses: made on first use each UTC day, kept in the
database so every worker hashes alike, and destroyed once older than 48 hours.

UTC days, not the public calendar day of ``GIMARK_TIME_ZONE``: a salt is a privacy key that no
reader ever sees as a date. What it needs is that all workers agree on the day and that it dies
48 h on; a UTC date gives both and does not change meaning if the zone setting changes (the
public day of a scan is the roll-up's business, see rollup.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.verification.privacy import new_salt, salts_to_destroy
from app.verification.repository import salts as repository


class SaltStore:
    """Per-process cache in front of the ``scan_salt`` table (one query a day per worker)."""

    def __init__(self) -> None:
        self._cache: dict[date, bytes] = {}

    async def salt_for(self, load: Callable[[date], Awaitable[bytes]], day: date) -> bytes:
        salt = self._cache.get(day)
        if salt is None:
            salt = await load(day)
            self._cache = {day: salt}  # yesterday's salt is never needed again here
        return salt


async def load_or_create(session: AsyncSession, day: date) -> bytes:
    stored = await repository.salt_of(session, day)
    if stored is not None:
        return stored
    # If another worker made today's salt first, theirs is used.
    await repository.add_salt_unless_taken(session, day, new_salt())
    salt = await repository.salt_of(session, day)
    assert salt is not None  # inserted above, by us or by the worker that beat us to it
    return salt


async def destroy_old_salts(session: AsyncSession, today: date) -> list[date]:
    doomed = salts_to_destroy(await repository.salt_days(session), today)
    if doomed:
        await repository.delete_salts(session, doomed)
    return doomed
