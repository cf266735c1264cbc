import asyncio

import factories
import pytest
from sqlalchemy import func, select

from app.core.db import Database
from app.core.errors import InvalidState
from app.core.principal import Principal, Role
from app.label import service
from app.label.code import CodeStatus
from app.label.models import BatchStatus, Label

REGULATOR = Principal("user", None, "regulator", Role.REGULATOR)


async def _approved_batch(database: Database, quantity: int) -> int:
    async with database.sessionmaker() as session, session.begin():
        product = await factories.product(session)
        company = await factories.enterprise(session)
        licence = await factories.licence(session, company.id, product.id)
        batch = await factories.batch(
            session, licence, quantity=quantity, status=BatchStatus.APPROVED, issued_at=None
        )
        return batch.id


async def test_concurrent_issue_calls_create_exactly_one_set(engine, test_settings) -> None:
    database = Database(engine)
    batch_id = await _approved_batch(database, quantity=300)

    async def issue() -> str:
        async with database.sessionmaker() as session, session.begin():
            try:
                await service.issue_batch(session, REGULATOR, batch_id, test_settings)
            except InvalidState as refusal:
                return f"refused:{refusal.extra['current_state']}"
        return "issued"

    outcomes = await asyncio.gather(issue(), issue(), issue())
    assert sorted(outcomes) == ["issued", "refused:issued", "refused:issued"]
    async with database.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Label).where(Label.batch_id == batch_id)
        )
        serials = await session.scalar(
            select(func.count(func.distinct(Label.serial))).where(Label.batch_id == batch_id)
        )
    assert count == serials == 300


async def test_issued_codes_verify_with_the_current_key(session, test_settings, shop) -> None:
    batch = await factories.batch(
        session, shop["licence"], quantity=120, status=BatchStatus.APPROVED
    )
    await service.issue_batch(session, REGULATOR, batch.id, test_settings)
    codes = list(await session.scalars(select(Label.code).where(Label.batch_id == batch.id)))
    codec = service.codec_from(test_settings)
    assert len(set(codes)) == 120
    assert all(code[0] == test_settings.label_current_key_id for code in codes)
    assert all(codec.classify(code).status is CodeStatus.AUTHENTIC for code in codes)


async def test_a_crash_mid_issue_leaves_no_labels(engine, test_settings, monkeypatch) -> None:
    from app.label import issuance

    database = Database(engine)
    batch_id = await _approved_batch(database, quantity=issuance.CHUNK + 10)
    real_write = issuance._write_chunk
    calls = {"n": 0}

    async def crash_on_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        await real_write(*args, **kwargs)

    monkeypatch.setattr(issuance, "_write_chunk", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        async with database.sessionmaker() as session, session.begin():
            await service.issue_batch(session, REGULATOR, batch_id, test_settings)
    async with database.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Label).where(Label.batch_id == batch_id)
        )
        batch = await service.get_readable(session, REGULATOR, batch_id)
    assert count == 0 and batch.status is BatchStatus.APPROVED
