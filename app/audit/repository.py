"""Queries on the audit ledger that verification and checkpoints share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent


async def hash_at(session: AsyncSession, seq: int) -> str | None:
    """The stored hash of event ``seq``, or None when there is no such event."""
    return await session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
