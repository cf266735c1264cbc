"""Appending to and checking the audit ledger.

Every service that changes state calls :func:`record` inside the request's transaction, so the
change and its audit event commit or roll back together. Appends are serialised (a PostgreSQL
transaction-level advisory lock; SQLite transactions already hold the write lock from BEGIN
IMMEDIATE), so two writers can never both extend the same head and fork the chain; the unique
``seq`` primary key is the last line of defence.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from app.audit.models import AuditEvent
from app.auth.principal import Principal
from app.core.requestid import current_request_id
from app.core.time import utcnow

# Any constant works; it only has to be the same for every writer of this database.
AUDIT_LOCK_KEY = 0x6A_6D61726B  # "gimark"


async def _lock_head(session: AsyncSession) -> None:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


async def _head(session: AsyncSession) -> tuple[int, str]:
    row = (
        await session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        )
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def _plain(value: Any) -> Any:
    """JSON-safe copy of a before/after snapshot (enums, dates, decimals become strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


async def record(
    session: AsyncSession,
    actor: Principal,
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    await _lock_head(session)
    seq, prev_hash = await _head(session)
    fields: dict[str, Any] = {
        "seq": seq + 1,
        "occurred_at": utcnow(),
        "actor": actor.audit_name,
        "actor_id": actor.id,
        "role": actor.audit_role,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": _plain(before),
        "after": _plain(after),
        "reason": reason,
        "request_id": current_request_id(),
        "prev_hash": prev_hash,
    }
    event = AuditEvent(**fields, hash=event_hash(fields))
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    first_broken_seq: int | None = None
    problem: str | None = None


async def _events(session: AsyncSession, batch: int = 2000) -> AsyncIterator[AuditEvent]:
    last = 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq > last)
                .order_by(AuditEvent.seq)
                .limit(batch)
            )
        ).all()
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].seq


def _check(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        return f"event {expected_seq} is missing (next is {event.seq})"
    if event.prev_hash != prev_hash:
        return f"event {event.seq} does not link to the hash of event {event.seq - 1}"
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    if event_hash(fields) != event.hash:
        return f"event {event.seq} was modified after it was written"
    return None


async def verify_chain(session: AsyncSession) -> ChainReport:
    """Recompute every hash in order; name the first event that does not fit."""
    count, seq, head = 0, 0, GENESIS_HASH
    async for event in _events(session):
        problem = _check(event, seq + 1, head)
        if problem:
            return ChainReport(False, count, seq, head, first_broken_seq=seq + 1, problem=problem)
        count, seq, head = count + 1, event.seq, event.hash
    return ChainReport(True, count, seq, head)


async def checkpoint(session: AsyncSession) -> tuple[int, str]:
    """The head (sequence, hash): publish or store it elsewhere to pin history up to here."""
    return await _head(session)


def snapshot(obj: object, *fields: str) -> dict[str, Any]:
    """The named attributes of a model, for an event's ``before`` / ``after``."""
    return {name: _plain(getattr(obj, name)) for name in fields}
