"""The console's own queries: its sessions. Everything else it shows comes from services."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.models import ConsoleSession


async def by_token_hash(session: AsyncSession, token_hash: str) -> ConsoleSession | None:
    found: ConsoleSession | None = await session.scalar(
        select(ConsoleSession).where(ConsoleSession.token_hash == token_hash)
    )
    return found


async def delete_session(session: AsyncSession, session_id: int) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.id == session_id))


async def delete_expired(
    session: AsyncSession, user_id: int, idle_before: datetime, created_before: datetime
) -> None:
    """A user's sessions that can no longer be used: swept at each of their logins, so the
    table holds at most the live sessions and the dead ones of users who never came back."""
    await session.execute(
        delete(ConsoleSession).where(
            ConsoleSession.user_id == user_id,
            or_(
                ConsoleSession.last_seen_at < idle_before,
                ConsoleSession.created_at < created_before,
            ),
        )
    )
