import asyncio

import factories
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.audit import service as audit
from app.audit.chain import GENESIS_HASH
from app.audit.models import AuditEvent
from app.core.db import Database
from app.core.principal import SYSTEM, Role


async def _append_three(session) -> list[AuditEvent]:
    events = [
        await audit.record(session, SYSTEM, "test.step", "thing", n, after={"n": n}, reason="t")
        for n in range(3)
    ]
    await audit.append_pending(session)  # normally at commit; the tests read seq and hash
    return events


async def test_events_link_to_their_predecessor(session) -> None:
    first, second, third = await _append_three(session)
    assert second.seq == first.seq + 1 and third.seq == second.seq + 1
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    report = await audit.verify_chain(session)
    assert report.ok and report.head_seq == third.seq and report.head_hash == third.hash


async def test_concurrent_writers_do_not_fork_the_chain(engine) -> None:
    database = Database(engine)

    async def writer(n: int) -> None:
        async with database.sessionmaker() as session, session.begin():
            await audit.record(session, SYSTEM, "test.concurrent", "thing", n)

    await asyncio.gather(*(writer(n) for n in range(12)))
    async with database.sessionmaker() as session:
        report = await audit.verify_chain(session)
        seqs = list(await session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
    assert report.ok, report.problem
    assert seqs == list(range(1, len(seqs) + 1))


async def drop_guard(session, on_sqlite: bool) -> None:
    """What an owner of the database can do: switch the append-only triggers off (the test's
    transaction is rolled back afterwards, triggers included)."""
    if on_sqlite:
        for trigger in ("audit_event_no_update", "audit_event_no_delete"):
            await session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    else:
        await session.execute(
            text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete")
        )


async def _tamper(session, on_sqlite: bool, statement: str) -> None:
    await drop_guard(session, on_sqlite)  # the database refuses otherwise
    await session.execute(text(statement))


async def test_a_modified_event_is_named(session, on_sqlite) -> None:
    seq = (await _append_three(session))[1].seq
    await session.commit()
    await _tamper(session, on_sqlite, f"UPDATE audit_event SET reason = 'edited' WHERE seq = {seq}")
    session.expire_all()
    report = await audit.verify_chain(session)
    assert not report.ok and report.first_broken_seq == seq
    assert "modified" in report.problem


async def test_a_deleted_event_is_named(session, on_sqlite) -> None:
    seq = (await _append_three(session))[1].seq
    await session.commit()
    await _tamper(session, on_sqlite, f"DELETE FROM audit_event WHERE seq = {seq}")
    session.expire_all()
    report = await audit.verify_chain(session)
    assert not report.ok and report.first_broken_seq == seq
    assert "missing" in report.problem


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET reason = 'x'",
        "UPDATE audit_event SET hash = prev_hash WHERE seq = (SELECT max(seq) FROM audit_event)",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)",
        "TRUNCATE audit_event",
    ],
)
async def test_the_database_refuses_to_change_the_ledger(session, on_sqlite, statement) -> None:
    if on_sqlite and statement.startswith("TRUNCATE"):
        pytest.skip("SQLite has no TRUNCATE; a DELETE without WHERE is refused above")
    last = (await _append_three(session))[-1]
    seq, head_hash = last.seq, last.hash
    await session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))
    session.expire_all()
    stored = await session.get(AuditEvent, seq)
    assert stored is not None and stored.hash == head_hash and stored.reason == "t"


async def test_regulator_endpoints_verify_and_checkpoint(session, client) -> None:
    events = await _append_three(session)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    verified = (await client.get("/api/v1/audit/verify", headers=regulator)).json()
    assert verified["ok"] and verified["head_seq"] == events[-1].seq
    head = (await client.get("/api/v1/audit/checkpoint", headers=regulator)).json()
    assert head["seq"] == events[-1].seq and head["hash"] == events[-1].hash != GENESIS_HASH
    listed = await client.get(
        "/api/v1/audit/events", params={"action": "test.step"}, headers=regulator
    )
    assert [e["seq"] for e in listed.json()["items"]][:3] == [e.seq for e in reversed(events)]
    bad = await client.get("/api/v1/audit/events", params={"limit": 0}, headers=regulator)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.limit"


async def test_user_creation_is_audited_in_the_same_transaction(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    lab = await factories.organisation(session, factories.OrgKind.LABORATORY)
    body = {
        "username": "audited1",
        "display_name": "A",
        "password": "long enough pw",
        "role": "inspector",
        "organisation_id": lab.id,
    }
    created = (await client.post("/api/v1/users", json=body, headers=admin)).json()
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.create", AuditEvent.object_id == str(created["id"])
        )
    )
    assert event is not None and event.after["username"] == "audited1" and event.role == "admin"
    assert event.request_id
