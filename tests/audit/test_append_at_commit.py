"""The audit event is queued by ``record`` and appended just before commit: it commits with
the change or not at all."""

from sqlalchemy import select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.principal import SYSTEM


async def _objects_in_ledger(session) -> set[str]:
    query = select(AuditEvent.object_id).where(AuditEvent.action == "test.commit")
    return set(await session.scalars(query))


async def test_events_of_rolled_back_work_are_never_appended(session) -> None:
    await audit.record(session, SYSTEM, "test.commit", "thing", "rolled-back")
    await session.rollback()
    try:
        async with session.begin_nested():
            await audit.record(session, SYSTEM, "test.commit", "thing", "in-savepoint")
            raise LookupError("the savepoint's work fails")
    except LookupError:
        pass
    kept = await audit.record(session, SYSTEM, "test.commit", "thing", "kept")
    assert kept.seq is None  # queued, not yet in the chain
    await session.commit()
    assert kept.seq is not None and await _objects_in_ledger(session) == {"kept"}
    assert (await audit.verify_chain(session)).ok


async def test_a_session_reads_its_own_queued_events(session) -> None:
    await audit.record(session, SYSTEM, "test.commit", "thing", "mine")
    assert await _objects_in_ledger(session) == {"mine"}
