"""The roll-up equals a direct count of the hand-built data set, after the first refresh and
after incremental ones (new scans, a void and its undo, a reversed revocation), never counts a
row twice, leaves unsettled rows to the next run, and outlives the 180-day scan retention."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from stats_world import LINHE, WUYUAN, add_scans, at, build, flag_clone, scan

from app.core.time import public_date, public_today, utcnow
from app.enterprise.models import Enterprise
from app.label.models import Label, LabelBatch, LabelScanStat, LabelStatus
from app.statistics import places, rollup
from app.statistics.models import NO_PRODUCT, StatDaily, StatWatermark
from app.verification.models import Scan
from app.verification.rollup import roll_up as retention_roll_up

YEAR = public_today().year - 1
DENGKOU = "150822"  # 磴口县, where the 临河区 enterprise turns out to lie
FAR = (48.9, 106.1)  # a shared location (rounded to 0.1°)


async def direct_count(session) -> Counter:
    """What stat_daily must hold, counted row by row from the source tables."""
    division = {
        e.id: places.division_of_enterprise(e.division_code, e.uscc)
        for e in await session.scalars(select(Enterprise))
    }
    batches = {b.id: b for b in await session.scalars(select(LabelBatch))}
    labels = {label.code: label for label in await session.scalars(select(Label))}
    expected: Counter = Counter()
    for s in await session.scalars(select(Scan)):
        label = labels.get(s.code)
        batch = batches[label.batch_id] if label else None
        key = (
            public_date(s.scanned_at),
            batch.product_id if batch else NO_PRODUCT,
            division[batch.enterprise_id] if batch else "unknown",
        )
        expected[(*key, "scan", s.verdict)] += 1
        if s.latitude is not None:
            expected[(*key, "scan.region", places.region_of(s.latitude, s.longitude))] += 1
    for label in labels.values():
        batch = batches[label.batch_id]
        where = (batch.product_id, division[batch.enterprise_id])
        if batch.issued_at is not None:
            expected[(public_date(batch.issued_at), *where, "label.issued", "all")] += 1
        if label.status is not LabelStatus.ACTIVE:
            day = public_date(label.status_changed_at)
            expected[(day, *where, f"label.{label.status.value}", "all")] += 1
    for stat in await session.scalars(select(LabelScanStat)):
        batch = batches[labels[stat.code].batch_id]
        where = (batch.product_id, division[batch.enterprise_id])
        expected[(public_date(stat.flagged_at), *where, "clone", stat.suspect_reason)] += 1
    return expected


async def rolled_up(session) -> Counter:
    rows = await session.scalars(select(StatDaily))
    return Counter({(r.day, r.product_id, r.division, r.measure, r.detail): r.count for r in rows})


@pytest.fixture
async def world(session):
    built = await build(session, YEAR)
    await add_scans(
        session,
        built,
        [
            scan(built.code(WUYUAN, 3), at(date(YEAR, 2, 1))),
            scan(built.code(WUYUAN, 3), at(date(YEAR, 2, 1), 17)),  # 01:00 on 2 Feb in Wuyuan
            scan(built.code(WUYUAN, 4), at(date(YEAR, 4, 5)), where=FAR),
            scan(built.code(LINHE, 2), at(date(YEAR, 4, 6)), where=FAR),
            scan(built.code(WUYUAN, 0), at(date(YEAR, 4, 7)), verdict="void"),
            scan("NOSUCHCODE0001", at(date(YEAR, 5, 1)), verdict="unknown"),
            scan(built.code("other", 1), at(date(YEAR, 5, 2))),
        ],
    )
    await flag_clone(session, built.code(LINHE, 3), at(date(YEAR, 6, 1)))
    return built


async def test_the_first_refresh_equals_a_direct_count(session, world) -> None:
    # Every scan in the database: the world's 7, and any another test committed before.
    scans = await session.scalar(select(func.count()).select_from(Scan))
    outcome = await rollup.refresh(session, utcnow())
    assert scans >= 7 and outcome.scans == scans and not outcome.behind
    expected = await direct_count(session)
    assert await rolled_up(session) == expected
    # spot checks of the hand-built figures, so the comparison cannot pass on two empty sets
    product = world.product.id
    assert expected[(date(YEAR, 1, 15), product, WUYUAN, "label.issued", "all")] == 12
    assert expected[(date(YEAR, 2, 10), product, WUYUAN, "label.void", "all")] == 2
    assert expected[(date(YEAR, 3, 20), product, LINHE, "label.revoked", "all")] == 1
    assert expected[(date(YEAR, 2, 2), product, WUYUAN, "scan", "genuine")] == 1
    assert expected[(date(YEAR, 5, 1), NO_PRODUCT, "unknown", "scan", "unknown")] == 1


async def test_incremental_refreshes_fold_in_only_what_is_new(session, world) -> None:
    now = utcnow()
    await rollup.refresh(session, now)
    before = await rolled_up(session)
    assert await rollup.refresh(session, now + timedelta(minutes=3)) == rollup.Outcome()
    assert await rolled_up(session) == before  # nothing new: nothing counted twice

    recent = now - timedelta(days=2)
    await add_scans(session, world, [scan(world.code(WUYUAN, 6), recent, where=FAR)])
    voided = world.labels[WUYUAN][7]
    voided.status, voided.status_changed_at = LabelStatus.VOID, recent
    await session.flush()
    outcome = await rollup.refresh(session, now + timedelta(minutes=6))
    assert outcome.scans == 1
    assert await rolled_up(session) == await direct_count(session)
    mark = await session.get(StatWatermark, rollup.SCANS)
    assert mark.last_id == await session.scalar(select(func.max(Scan.id)))

    voided.status, voided.status_changed_at = LabelStatus.ACTIVE, now  # undone within 10 days
    await session.flush()
    await rollup.refresh(session, now + timedelta(minutes=9))
    after_undo = await rolled_up(session)
    assert after_undo == await direct_count(session)
    assert after_undo[(public_date(recent), world.product.id, WUYUAN, "label.void", "all")] == 0


async def test_rows_younger_than_the_settling_minute_wait_for_the_next_run(session, world) -> None:
    now = utcnow()
    await add_scans(session, world, [scan(world.code(LINHE, 4), now - timedelta(seconds=10))])
    await rollup.refresh(session, now)
    assert await rolled_up(session) != await direct_count(session)
    await rollup.refresh(session, now + rollup.SETTLE)
    assert await rolled_up(session) == await direct_count(session)


async def test_a_reversed_revocation_leaves_its_old_day(session, world) -> None:
    from app.revocation.models import Revocation, RevocationScope

    now = utcnow()
    revoked = world.labels[LINHE][0]
    act = Revocation(
        scope=RevocationScope.LABELS,
        enterprise_id=world.enterprise_ids[LINHE],
        label_count=1,
        reason="误撤销",
        legal_basis="《地理标志专用标志使用管理办法》",
        case_number="案-1",
        revoked_at=revoked.status_changed_at,
    )
    session.add(act)
    await session.flush()
    await rollup.refresh(session, now)
    day = (date(YEAR, 3, 20), world.product.id, LINHE, "label.revoked", "all")
    assert (await rolled_up(session))[day] == 1
    act.reversed_at = now
    revoked.status, revoked.status_changed_at = LabelStatus.ACTIVE, now
    await session.flush()
    await rollup.refresh(session, now + timedelta(minutes=3))
    assert (await rolled_up(session))[day] == 0
    assert await rolled_up(session) == await direct_count(session)


async def test_counts_outlive_the_180_day_scan_retention(session, world) -> None:
    now = utcnow()
    await rollup.refresh(session, now)
    before = await rolled_up(session)
    scans = await session.scalar(select(func.count()).select_from(Scan))
    deleted = await retention_roll_up(session, now + timedelta(days=900))
    assert scans >= 7 and deleted == scans  # every scan (the world's 7 at least) is gone
    await rollup.refresh(session, now + timedelta(minutes=3))
    assert await rolled_up(session) == before


async def test_a_deployment_locator_names_the_region(session, world) -> None:
    places.provide_locator(lambda lat, lon: WUYUAN if (lat, lon) == FAR else None)
    try:
        await rollup.refresh(session, utcnow())
    finally:
        places.provide_locator(None)
    regions = Counter()
    for key, count in (await rolled_up(session)).items():
        if key[3] == "scan.region":
            regions[key[4]] += count
    assert regions == {WUYUAN: 2}


async def test_scans_retained_before_the_first_refresh_count_as_unrecorded(session, world) -> None:
    from app.verification.models import ScanDaily

    session.add(
        ScanDaily(code=world.code(WUYUAN, 8), day=date(YEAR, 1, 20), scans=9, distinct_sources=4)
    )
    session.add(
        ScanDaily(code="GONE0000000001", day=date(YEAR, 1, 21), scans=2, distinct_sources=1)
    )
    await session.flush()
    await rollup.refresh(session, utcnow())
    counts = await rolled_up(session)
    assert counts[(date(YEAR, 1, 20), world.product.id, WUYUAN, "scan", "unrecorded")] == 9
    assert counts[(date(YEAR, 1, 21), NO_PRODUCT, "unknown", "scan", "unrecorded")] == 2
    await rollup.refresh(session, utcnow() + timedelta(minutes=3))
    assert await rolled_up(session) == counts  # taken once, on the first refresh only


async def _move(session, enterprise_id: int, division: str) -> None:
    company = await session.get(Enterprise, enterprise_id)
    company.division_code = division  # a bureau corrects the registered county
    await session.flush()


async def test_a_moved_enterprise_takes_its_counts_along(session, world) -> None:
    now = utcnow()
    await rollup.refresh(session, now)
    await _move(session, world.enterprise_ids[LINHE], DENGKOU)
    await add_scans(session, world, [scan(world.code(LINHE, 5), now - timedelta(days=1))])
    await rollup.refresh(session, now + timedelta(minutes=3))
    counts = await rolled_up(session)
    assert counts == await direct_count(session)
    product = world.product.id
    assert counts[(date(YEAR, 3, 2), product, DENGKOU, "label.issued", "all")] == 7
    assert counts[(date(YEAR, 3, 20), product, DENGKOU, "label.revoked", "all")] == 1
    assert counts[(date(YEAR, 6, 1), product, DENGKOU, "clone", "distinct_sources")] == 1
    emptied = select(func.count()).where(StatDaily.division == LINHE)
    assert await session.scalar(emptied) == 0  # no region or verdict of 0 scans left behind
    await rollup.refresh(session, now + timedelta(minutes=6))
    assert await rolled_up(session) == counts  # moved once


async def test_scans_past_the_retention_stay_where_they_were_filed(session, world) -> None:
    """Their verdicts survive only in stat_daily, per division: nothing says which were the
    moved enterprise's. Its labels, kept for ever, move."""
    now = utcnow()
    await rollup.refresh(session, now)
    await retention_roll_up(session, now + timedelta(days=900))
    await _move(session, world.enterprise_ids[LINHE], DENGKOU)
    await rollup.refresh(session, now + timedelta(minutes=3))
    counts = await rolled_up(session)
    product = world.product.id
    assert counts[(date(YEAR, 4, 6), product, LINHE, "scan", "genuine")] == 1
    assert counts[(date(YEAR, 3, 2), product, DENGKOU, "label.issued", "all")] == 7
    assert counts[(date(YEAR, 3, 2), product, LINHE, "label.issued", "all")] == 0
