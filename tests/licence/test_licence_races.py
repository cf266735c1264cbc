"""Races on one licence's state, with real commits and CLIENTS concurrent requests, ROUNDS
times each: one decision wins, the others get 409 naming the state it left (never 500), and
the ledger holds exactly the transitions that happened."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import factories
import pytest
from committed import (
    CLIENTS,
    ROUNDS,
    World,
    all_at_once,
    own_database,
    regulator_world,
    statuses,
)
from sqlalchemy import select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.time import public_today
from app.licence.models import Licence, LicenceStatus

REASON = {"reason": "按规定处理"}
APPROVE = {"valid_until": (public_today() + timedelta(days=730)).isoformat(), "reason": "材料齐全"}
WITHDRAW = {"reason": "两年未使用", "legal_basis": "公告第354号", "case_number": "WY-2026-7"}


@pytest.fixture(scope="module")
async def own_settings(test_settings, tmp_path_factory):
    async with own_database(test_settings, tmp_path_factory.mktemp("races")) as settings:
        yield settings


@pytest.fixture
async def world(own_settings):
    async with regulator_world(own_settings) as world:
        yield world


async def fresh_licence(world: World, status: LicenceStatus) -> Licence:
    async with world.database.sessionmaker() as session, session.begin():
        product = await factories.product(session)
        company = await factories.enterprise(session)
        fields = {"number": None, "valid_from": None, "valid_until": None, "decided_at": None}
        pending = fields if status is LicenceStatus.PENDING else {}
        return await factories.licence(session, company.id, product.id, status=status, **pending)


async def race(world: World, licence: Licence, *contenders: tuple[str, dict]) -> Counter[str]:
    """CLIENTS requests, contenders interleaved; returns the winners' actions by count."""
    calls, actions = [], []
    for n in range(CLIENTS):
        action, body = contenders[n % len(contenders)]
        url = f"/api/v1/licences/{licence.id}/{action}"
        calls.append(world.client.post(url, json=body, headers=world.regulator))
        actions.append(action)
    responses = await all_at_once(calls)
    assert set(statuses(responses)) <= {200, 409}, statuses(responses)
    for refused in (r.json() for r in responses if r.status_code == 409):
        assert refused["code"] == "invalid_state", refused
    return Counter(a for a, r in zip(actions, responses, strict=True) if r.status_code == 200)


async def stored(world: World, licence: Licence) -> Licence:
    async with world.database.sessionmaker() as session:
        row = await session.get(Licence, licence.id)
        assert row is not None
        return row


async def ledger(world: World, licence: Licence) -> Counter[str]:
    async with world.database.sessionmaker() as session:
        assert (await audit.verify_chain(session)).ok
        actions = await session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "licence", AuditEvent.object_id == str(licence.id)
            )
        )
        return Counter(action.removeprefix("licence.") for action in actions)


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_approve_raced_by_reject(world, round_) -> None:
    licence = await fresh_licence(world, LicenceStatus.PENDING)
    won = await race(world, licence, ("approve", APPROVE), ("reject", REASON))
    final = await stored(world, licence)
    assert won in (Counter(approve=1), Counter(reject=1)), won
    assert await ledger(world, licence) == won
    if won["approve"]:
        assert final.status is LicenceStatus.ACTIVE and final.number is not None
        assert final.decision_reason == APPROVE["reason"]
    else:
        assert final.status is LicenceStatus.REJECTED and final.number is None


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_suspend_raced_by_withdraw(world, round_) -> None:
    """Withdrawal is allowed from active and from suspended, so one withdraw always wins, and
    a suspension may come first; nothing is done twice."""
    licence = await fresh_licence(world, LicenceStatus.ACTIVE)
    won = await race(world, licence, ("suspend", REASON), ("withdraw", WITHDRAW))
    assert won in (Counter(withdraw=1), Counter(suspend=1, withdraw=1)), won
    assert await ledger(world, licence) == won
    assert (await stored(world, licence)).status is LicenceStatus.WITHDRAWN


async def test_concurrent_approvals_of_one_product_get_distinct_numbers(world) -> None:
    """Numbers are counted per GI product and year: approved at once, licences must not pick
    the same one (it was a 500 on the unique number)."""
    async with world.database.sessionmaker() as session, session.begin():
        product = await factories.product(session)
        pending = [
            await factories.licence(
                session,
                (await factories.enterprise(session)).id,
                product.id,
                status=LicenceStatus.PENDING,
                number=None,
                valid_from=None,
                valid_until=None,
            )
            for _ in range(CLIENTS)
        ]
    responses = await all_at_once(
        [
            world.client.post(
                f"/api/v1/licences/{licence.id}/approve", json=APPROVE, headers=world.regulator
            )
            for licence in pending
        ]
    )
    assert statuses(responses) == {200: CLIENTS}, statuses(responses)
    numbers = {response.json()["number"] for response in responses}
    year = public_today().year
    assert numbers == {f"GI-{product.code}-{year}-{n:04d}" for n in range(1, CLIENTS + 1)}
