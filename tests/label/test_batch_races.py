"""Races on a batch and on a licence's quota, with real commits and CLIENTS concurrent requests.

Each race is run ROUNDS times on fresh rows. What must hold whoever wins: one decision, the
losers told 409 with the state the winner left (never 500), labels present iff the batch is
issued, and the quota counting exactly the batches that are not rejected."""

from __future__ import annotations

from decimal import Decimal

import factories
import httpx
import pytest
from committed import (
    CLIENTS,
    ROUNDS,
    World,
    all_at_once,
    login_as,
    own_database,
    regulator_world,
    statuses,
)
from sqlalchemy import func, select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.principal import Role
from app.core.time import public_today
from app.label.models import BatchStatus, Label, LabelBatch

QUANTITY = 500


@pytest.fixture(scope="module")
async def own_settings(test_settings, tmp_path_factory):
    async with own_database(test_settings, tmp_path_factory.mktemp("races")) as settings:
        yield settings


@pytest.fixture
async def world(own_settings):
    async with regulator_world(own_settings) as world:
        yield world


async def fresh_batch(world: World, status: BatchStatus) -> LabelBatch:
    async with world.database.sessionmaker() as session, session.begin():
        product = await factories.product(session)
        company = await factories.enterprise(session)
        licence = await factories.licence(session, company.id, product.id)
        return await factories.batch(
            session, licence, quantity=QUANTITY, status=status, issued_at=None, key_id=None
        )


async def outcome(world: World, batch: LabelBatch) -> tuple[BatchStatus, int, int, list[str]]:
    """The batch's status, its label count, its licence's quota use and its audit actions."""
    async with world.database.sessionmaker() as session:
        status = await session.scalar(select(LabelBatch.status).where(LabelBatch.id == batch.id))
        labels = await session.scalar(
            select(func.count()).select_from(Label).where(Label.batch_id == batch.id)
        )
        actions = await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "label_batch", AuditEvent.object_id == str(batch.id))
            .order_by(AuditEvent.seq)
        )
        assert (await audit.verify_chain(session)).ok
    quota = await world.client.get(
        f"/api/v1/licences/{batch.licence_id}/quota", headers=world.regulator
    )
    assert status is not None
    return status, int(labels or 0), quota.json()["used"], list(actions)


def decide(world: World, batch: LabelBatch, action: str, body: dict | None) -> list:
    url = f"/api/v1/batches/{batch.id}/{action}"
    return [world.client.post(url, json=body, headers=world.regulator)]


async def race(world: World, batch: LabelBatch, *contenders: tuple[str, dict | None]) -> list:
    """CLIENTS requests, the contenders' actions interleaved so that both kinds start together."""
    calls = []
    for n in range(CLIENTS):
        action, body = contenders[n % len(contenders)]
        calls += decide(world, batch, action, body)
    return await all_at_once(calls)


def assert_one_winner(responses: list[httpx.Response], final: BatchStatus) -> httpx.Response:
    assert statuses(responses) == {200: 1, 409: CLIENTS - 1}, statuses(responses)
    losers = [r.json() for r in responses if r.status_code == 409]
    assert {problem["current_state"] for problem in losers} == {final.value}
    return next(r for r in responses if r.status_code == 200)


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_approve_raced_by_approve(world, round_) -> None:
    batch = await fresh_batch(world, BatchStatus.REQUESTED)
    responses = await race(world, batch, ("approve", {}))
    assert_one_winner(responses, BatchStatus.ISSUED)
    assert await outcome(world, batch) == (
        BatchStatus.ISSUED,
        QUANTITY,
        QUANTITY,
        ["batch.approve", "batch.issue"],
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_approve_raced_by_approve_without_issue(world, round_) -> None:
    batch = await fresh_batch(world, BatchStatus.REQUESTED)
    responses = await race(world, batch, ("approve", {}), ("approve", {"issue": False}))
    status, labels, used, actions = await outcome(world, batch)
    assert_one_winner(responses, status)
    assert (status, labels, used) in {
        (BatchStatus.ISSUED, QUANTITY, QUANTITY),
        (BatchStatus.APPROVED, 0, QUANTITY),
    }
    assert actions == ["batch.approve", "batch.issue"][: 2 if labels else 1]


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_approve_raced_by_reject(world, round_) -> None:
    batch = await fresh_batch(world, BatchStatus.REQUESTED)
    responses = await race(world, batch, ("approve", {}), ("reject", {"reason": "产地证明不全"}))
    status, labels, used, actions = await outcome(world, batch)
    assert_one_winner(responses, status)
    assert (status, labels, used, actions) in [
        (BatchStatus.ISSUED, QUANTITY, QUANTITY, ["batch.approve", "batch.issue"]),
        (BatchStatus.REJECTED, 0, 0, ["batch.reject"]),
    ]


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_issue_raced_by_issue(world, round_) -> None:
    batch = await fresh_batch(world, BatchStatus.APPROVED)
    responses = await race(world, batch, ("issue", None))
    assert_one_winner(responses, BatchStatus.ISSUED)
    assert await outcome(world, batch) == (BatchStatus.ISSUED, QUANTITY, QUANTITY, ["batch.issue"])


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_concurrent_requests_stay_within_the_quota(world, round_) -> None:
    """1 mu × 250 kg/mu ÷ 0.5 kg = 500 labels: of CLIENTS requests for 20, exactly 25 fit."""
    async with world.database.sessionmaker() as session, session.begin():
        product = await factories.product(session)
        company = await factories.enterprise(session)
        licence = await factories.licence(
            session, company.id, product.id, production_area_mu=Decimal("1")
        )
    licensee = await login_as(world.database, world.client, Role.LICENSEE, company.id)
    body = {
        "licence_id": licence.id,
        "quantity": 20,
        "unit": "袋 0.5 kg",
        "production_date": public_today().isoformat(),
        "origin": "五原县隆兴昌镇",
    }
    responses = await all_at_once(
        [
            world.client.post(
                "/api/v1/batches",
                json=body | {"lot_number": f"LOT-{n}"},
                headers=licensee | {"Idempotency-Key": f"race-{n}"},
            )
            for n in range(CLIENTS)
        ]
    )
    assert statuses(responses) == {201: 25, 409: CLIENTS - 25}, statuses(responses)
    for refused in (r.json() for r in responses if r.status_code == 409):
        assert refused["code"] == "quota_exceeded"
        assert (refused["quota"], refused["used"], refused["remaining"]) == (500, 500, 0)
    quota = await world.client.get(f"/api/v1/licences/{licence.id}/quota", headers=licensee)
    assert (quota.json()["used"], quota.json()["remaining"]) == (500, 0)
