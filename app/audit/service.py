"""Appending to and checking the audit ledger.

Every state change is recorded through ``app.audit.transition``, which calls :func:`record`
inside the request's transaction; the event is queued on the session and appended just before
that transaction commits (a ``before_commit`` hook), so the change and its audit event commit
or roll back together.

Appends are serialised (a PostgreSQL transaction-level advisory lock; SQLite transactions
already hold the write lock from BEGIN IMMEDIATE), so two writers can never both extend the
same head and fork the chain; the unique ``seq`` primary key is the last line of defence.
The lock is held until commit, which is why the append comes last: appended where it was
recorded, an issuance of 10⁶ labels held the ledger for its whole write and an unrelated
consumer report waited 11 s behind it. Queued last, the lock covers the append and the commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from app.audit import repository
from app.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from app.audit.models import AuditEvent
from app.audit.repository import AUDIT_LOCK_KEY as AUDIT_LOCK_KEY  # migration 0003 reads it here
from app.core.pagination import CursorParams, KeysetSlice, keyset_paginate
from app.core.principal import Principal
from app.core.requestid import current_request_id
from app.core.time import utcnow

PENDING = "gimark.audit.pending"  # session.info key: [(transaction, event), ...]


def _append(session: Session) -> None:
    """Lock the head, chain this session's queued events onto it and insert them."""
    pending: list[tuple[SessionTransaction, AuditEvent]] = session.info.pop(PENDING, [])
    if not pending:
        return
    repository.lock_head(session)
    seq, prev_hash = repository.head(session)
    for _, audit_event in pending:
        seq += 1
        audit_event.seq, audit_event.occurred_at, audit_event.prev_hash = seq, utcnow(), prev_hash
        fields = {name: getattr(audit_event, name) for name in HASHED_FIELDS}
        audit_event.hash = prev_hash = event_hash(fields)
        session.add(audit_event)
    session.flush()


@sa_event.listens_for(Session, "before_commit")
def _append_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the commit
        _append(session)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """Events recorded inside a transaction or savepoint that rolled back never happened."""
    pending = session.info.get(PENDING)
    if pending:
        pending[:] = [p for p in pending if not _inside(p[0], previous_transaction)]


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction: SessionTransaction) -> None:
    """Whatever is still queued when the session's transaction ends (closed without commit)
    must not ride along with the session's next transaction."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@sa_event.listens_for(Session, "do_orm_execute")
def _read_your_own_events(state: ORMExecuteState) -> None:
    """Like autoflush: a session reading the ledger sees the events it has recorded."""
    reads_ledger = any(mapper.class_ is AuditEvent for mapper in state.all_mappers)
    if state.is_select and reads_ledger and state.session.info.get(PENDING):
        _append(state.session)


async def append_pending(session: AsyncSession) -> None:
    """Append the queued events now rather than at commit (for a caller that needs their
    ``seq`` and ``hash`` before committing); takes the ledger lock until commit."""
    await session.run_sync(_append)


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
    """Queue one event for this transaction; it is chained and inserted just before commit
    (see the module docstring), when its ``seq`` and ``hash`` are filled in."""
    await session.connection()  # the event belongs to the transaction now in progress
    audit_event = AuditEvent(
        actor=actor.audit_name,
        actor_id=actor.id,
        role=actor.audit_role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_plain(before),
        after=_plain(after),
        reason=reason,
        request_id=current_request_id(),  # taken now: the commit may run outside the request
    )
    sync_session = session.sync_session
    transaction = sync_session.get_nested_transaction() or sync_session.get_transaction()
    assert transaction is not None
    sync_session.info.setdefault(PENDING, []).append((transaction, audit_event))
    return audit_event


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
        rows = await repository.events_after(session, last, batch)
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
    return await session.run_sync(repository.head)


async def list_events(
    session: AsyncSession,
    page: CursorParams,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    sort: str = "-seq",
    *,
    actor: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> KeysetSlice[AuditEvent]:
    """A page of the ledger; ``sort`` is a key of ``repository.EVENT_ORDERS``."""
    query = repository.events(
        object_type, object_id, action, actor=actor, since=since, before=before
    )
    return await keyset_paginate(session, query, repository.EVENT_ORDERS[sort], page)


def snapshot(obj: object, *fields: str) -> dict[str, Any]:
    """The named attributes of a model, for an event's ``before`` / ``after``."""
    return {name: _plain(getattr(obj, name)) for name in fields}
