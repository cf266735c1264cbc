"""Queries on the audit ledger: its head (read and locked by the append, synchronously, inside
the commit hook), the events in order for verification, and the staff's filtered listing
(keyset-paged)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.chain import GENESIS_HASH
from app.audit.models import AuditEvent
from app.core.pagination import Keyset
from app.core.search import contains_text

# Any constant works; it only has to be the same for every writer of this database.
AUDIT_LOCK_KEY = 0x6A_6D61726B  # "gimark"


def lock_head(session: Session) -> None:
    """Serialise appends until commit (PostgreSQL: a transaction-level advisory lock; SQLite
    transactions already hold the write lock from BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


def head(session: Session) -> tuple[int, str]:
    """The newest event's (seq, hash); (0, the genesis hash) for an empty ledger."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


async def events_after(session: AsyncSession, seq: int, limit: int) -> Sequence[AuditEvent]:
    """The next ``limit`` events after ``seq``, in order."""
    query = select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq).limit(limit)
    return (await session.scalars(query)).all()


async def hash_at(session: AsyncSession, seq: int) -> str | None:
    """The stored hash of event ``seq``, or None when there is no such event."""
    return await session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


# The orders the ledger may be read in: by ``seq`` (its primary key), newest first by default.
EVENT_ORDERS = {
    "-seq": Keyset("audit:-seq", (AuditEvent.seq,), descending=True),
    "seq": Keyset("audit:seq", (AuditEvent.seq,), descending=False),
}


def events(
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    *,
    actor: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> Select[AuditEvent]:
    """The ledger narrowed to an object, an action, an actor (a substring of the name it was
    recorded under) and a time range [since, before) when given; the keyset paginator orders
    it."""
    query = select(AuditEvent)
    if actor:
        query = query.where(contains_text(AuditEvent.actor, actor))
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if before is not None:
        query = query.where(AuditEvent.occurred_at < before)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return query
