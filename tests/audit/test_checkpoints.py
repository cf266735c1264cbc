"""A checkpoint held outside gimark catches what recomputing the chain cannot: a truncated
tail, and history rewritten with every later hash recomputed. The tampering here is what an
attacker with database access would do: switch the guard off, change rows, recompute."""

import factories
from sqlalchemy import select, text
from test_ledger import drop_guard

from app.audit import checkpoints
from app.audit import service as audit
from app.audit.chain import HASHED_FIELDS, event_hash
from app.audit.checkpoints import Checkpoint
from app.audit.models import AuditEvent
from app.core.principal import SYSTEM, Role


async def _append(session, n: int = 3) -> list[tuple[int, str]]:
    events = [
        await audit.record(session, SYSTEM, "test.step", "thing", i, after={"i": i}, reason="t")
        for i in range(n)
    ]
    await session.commit()
    return [(e.seq, e.hash) for e in events]


async def _truncate_from(session, on_sqlite: bool, seq: int) -> None:
    await drop_guard(session, on_sqlite)
    await session.execute(text("DELETE FROM audit_event WHERE seq >= :seq"), {"seq": seq})
    session.expire_all()


async def _rewrite_and_recompute(session, on_sqlite: bool, seq: int) -> None:
    """Change event ``seq``'s reason, then re-hash it and every later event so that the chain
    links again from start to end."""
    await drop_guard(session, on_sqlite)
    await session.execute(
        text("UPDATE audit_event SET reason = 'nothing happened' WHERE seq = :seq"), {"seq": seq}
    )
    session.expire_all()
    rows = (await session.execute(select(AuditEvent).where(AuditEvent.seq >= seq - 1))).scalars()
    events = sorted(rows, key=lambda e: e.seq)
    prev_hash = events[0].hash
    for event in events[1:]:
        fields = {name: getattr(event, name) for name in HASHED_FIELDS} | {"prev_hash": prev_hash}
        new_hash = event_hash(fields)
        await session.execute(
            text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": prev_hash, "h": new_hash, "s": event.seq},
        )
        prev_hash = new_hash
    session.expire_all()


async def test_a_truncated_tail_is_caught_only_with_a_checkpoint(session, on_sqlite) -> None:
    (first, _), (second, _), head = await _append(session)
    held = Checkpoint(*head)
    await _truncate_from(session, on_sqlite, second)
    assert (await checkpoints.verify(session)).ok  # what a chain recomputation alone says
    report = await checkpoints.verify(session, held)
    assert not report.ok and report.first_broken_seq == second
    assert f"ends at event {first}" in report.problem and "removed" in report.problem


async def test_a_rewritten_and_recomputed_chain_is_caught_with_a_checkpoint(
    session, on_sqlite
) -> None:
    _, (second, second_hash), head = await _append(session)
    held = Checkpoint(*head)
    await _rewrite_and_recompute(session, on_sqlite, second)
    assert (await checkpoints.verify(session)).ok  # the forgery links up
    assert await session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == second)) != (
        second_hash
    )
    report = await checkpoints.verify(session, held)
    assert not report.ok and report.first_broken_seq == held.seq
    assert "rewritten" in report.problem


async def test_an_intact_ledger_holds_to_an_older_checkpoint(session) -> None:
    (_, first_hash), _, _ = await _append(session)
    older = Checkpoint(*(await _append(session, 1))[0])
    await _append(session, 2)
    report = await checkpoints.verify(session, older)
    assert report.ok and report.head_seq == older.seq + 2 and first_hash


async def test_the_api_verifies_against_a_checkpoint(session, client, on_sqlite) -> None:
    _, (second, _), head = await _append(session)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    url = "/api/v1/audit/verify"
    held = f"{head[0]}:{head[1].upper()}"  # hex is case-insensitive
    fine = (await client.get(url, params={"checkpoint": held}, headers=regulator)).json()
    assert fine["ok"] and fine["checkpoint_seq"] == head[0]
    await _rewrite_and_recompute(session, on_sqlite, second)
    assert (await client.get(url, headers=regulator)).json()["ok"]
    caught = (await client.get(url, params={"checkpoint": held}, headers=regulator)).json()
    assert not caught["ok"] and caught["first_broken_seq"] == head[0]
    assert "rewritten" in caught["problem"]
    await _truncate_from(session, on_sqlite, second)
    caught = (await client.get(url, params={"checkpoint": held}, headers=regulator)).json()
    assert not caught["ok"] and caught["first_broken_seq"] == second


async def test_a_malformed_checkpoint_is_a_clear_422(session, client) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    for bad in ("12", "x:" + "a" * 64, "0:" + "a" * 64, "5:" + "a" * 63, "5:" + "g" * 64):
        response = await client.get(
            "/api/v1/audit/verify", params={"checkpoint": bad}, headers=regulator
        )
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "SEQ:HASH" in response.json()["detail"]
