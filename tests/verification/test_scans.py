from datetime import timedelta

import factories
from sqlalchemy import func, select, text
from verification_fixtures import client_from

from app.core.principal import Role
from app.core.time import utcnow
from app.label.models import LabelScanStat
from app.models_all import Base
from app.verification import scanlog
from app.verification.models import Scan, ScanSalt
from app.verification.salts import destroy_old_salts

KNOWN_ADDRESSES = ["203.0.113.77", "198.51.100.23", "2001:db8:85a3::8a2e:370:7334"]


async def test_no_full_ip_is_stored_anywhere(session, app, label_world) -> None:
    for address in KNOWN_ADDRESSES:
        async with client_from(
            app, address, {"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0"}
        ) as c:
            assert (await c.get(f"/v/{label_world['code']}")).status_code == 200
    dump = []
    for table in Base.metadata.sorted_tables:
        rows = await session.execute(text(f"SELECT * FROM {table.name}"))
        dump.extend(str(value) for row in rows for value in row)
    everything = " ".join(dump)
    for address in KNOWN_ADDRESSES:
        assert address not in everything
    scans = list(await session.scalars(select(Scan).where(Scan.code == label_world["code"])))
    assert {s.network_prefix for s in scans} == {
        "203.0.113.0/24",
        "198.51.100.0/24",
        "2001:db8:85a3::/48",
    }
    assert {s.ua_family for s in scans} == {"wechat"} and {s.os_family for s in scans} == {"ios"}
    assert len({s.source_hash for s in scans}) == 3


async def test_salts_older_than_48_hours_are_destroyed(session) -> None:
    today = utcnow().date()
    for age in (0, 1, 2, 5):
        session.add(ScanSalt(day=today - timedelta(days=age), salt=b"s" * 32))
    await session.flush()
    destroyed = await destroy_old_salts(session, today)
    assert sorted(destroyed) == [today - timedelta(days=5), today - timedelta(days=2)]
    kept = set(await session.scalars(select(ScanSalt.day)))
    assert kept == {today, today - timedelta(days=1)}


def record(
    code: str, source: str, minutes_ago: float = 0, lat=None, lon=None
) -> scanlog.ScanRecord:
    return scanlog.ScanRecord(
        code=code,
        scanned_at=utcnow() - timedelta(minutes=minutes_ago),
        verdict="genuine",
        network_prefix="203.0.113.0/24",
        source_hash=source,
        ua_family="chrome",
        os_family="android",
        latitude=lat,
        longitude=lon,
    )


async def stat(session, code: str) -> LabelScanStat:
    session.expire_all()
    return await session.scalar(select(LabelScanStat).where(LabelScanStat.code == code))


async def test_ten_thousand_scans_from_one_source_are_not_a_clone(session, label_world) -> None:
    code = label_world["code"]
    await scanlog.write_scans(session, [record(code, "same-source") for _ in range(10_000)])
    flagged = await stat(session, code)
    assert flagged.scan_count == 10_000 and flagged.suspect_reason is None


async def test_many_distinct_sources_make_a_clone(session, client, label_world) -> None:
    code = label_world["code"]
    limit = label_world["product"].clone_distinct_sources
    await scanlog.write_scans(session, [record(code, f"source-{n}") for n in range(limit)])
    assert (await stat(session, code)).suspect_reason is None  # at the threshold: fine
    await scanlog.write_scans(session, [record(code, "one-more")])
    flagged = await stat(session, code)
    assert (
        flagged.suspect_reason == "distinct_sources"
        and flagged.suspect_evidence["sources"] == limit + 1
    )
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    listed = (await client.get("/api/v1/scans/suspicious", headers=regulator)).json()["items"]
    assert listed[0]["code"] == code and listed[0]["evidence"]["threshold"] == limit


async def test_old_sources_outside_the_window_do_not_count(session, label_world) -> None:
    code = label_world["code"]
    hours = label_world["product"].clone_window_hours
    old = [record(code, f"old-{n}", minutes_ago=hours * 60 + 5) for n in range(30)]
    await scanlog.write_scans(session, [*old, record(code, "today")])
    assert (await stat(session, code)).suspect_reason is None


async def test_impossible_travel_makes_a_clone(session, label_world) -> None:
    code = label_world["code"]
    await scanlog.write_scans(
        session, [record(code, "a", minutes_ago=60, lat=41.1, lon=108.3)]
    )  # 五原
    await scanlog.write_scans(
        session, [record(code, "b", minutes_ago=0, lat=40.8, lon=108.4)]
    )  # nearby
    assert (await stat(session, code)).suspect_reason is None
    await scanlog.write_scans(
        session, [record(code, "c", minutes_ago=-1, lat=22.5, lon=114.1)]
    )  # 深圳
    flagged = await stat(session, code)
    assert flagged.suspect_reason == "impossible_travel"


async def test_shared_location_is_rounded(session, client, label_world) -> None:
    response = await client.post(
        f"/api/v1/verify/{label_world['code']}/location",
        json={"latitude": 41.09876, "longitude": 108.27123},
    )
    assert response.status_code == 200
    scan = await session.scalar(select(Scan).where(Scan.latitude.is_not(None)))
    assert (scan.latitude, scan.longitude) == (41.1, 108.3)
    bad = await client.post(
        f"/api/v1/verify/{label_world['code']}/location", json={"latitude": 91, "longitude": 0}
    )
    assert bad.status_code == 422


async def test_licensee_reads_only_its_own_scans(session, client, label_world) -> None:
    await client.get(f"/api/v1/verify/{label_world['code']}")
    owner = await factories.auth_headers(session, client, Role.LICENSEE, label_world["company"].id)
    stranger = await factories.auth_headers(session, client, Role.LICENSEE)
    mine = (await client.get("/api/v1/scans", headers=owner)).json()
    theirs = (await client.get("/api/v1/scans", headers=stranger)).json()
    assert mine["total"] == 1 and mine["items"][0]["code"] == label_world["code"]
    assert theirs["total"] == 0
    assert (await client.get("/api/v1/scans/suspicious", headers=owner)).status_code == 403


async def test_batched_writer_flushes_buffered_scans(engine) -> None:
    """The production path: requests only append; a flush writes them in one transaction."""
    from app.core.db import Database

    log = scanlog.ScanLog(Database(engine), batched=True, interval=60)
    async with Database(engine).sessionmaker() as unused:
        await log.record(unused, record("Q" * 20, "x"))
        await log.record(unused, record("Q" * 20, "y"))
    assert log.depth == 2
    assert await log.flush() == 2 and log.depth == 0
    async with Database(engine).sessionmaker() as reader:
        stored = await reader.scalar(
            select(Scan.source_hash).where(Scan.code == "Q" * 20, Scan.source_hash == "y")
        )
    assert stored == "y"


async def test_a_flush_larger_than_one_chunk_writes_every_scan_once(engine) -> None:
    """A flush goes out in chunks (so that checks are served between them): all of them
    land, in one transaction, and each code's running total counts every scan."""
    from app.core.db import Database
    from app.label.models import LabelScanStat

    log = scanlog.ScanLog(Database(engine), batched=True, interval=60)
    codes = ["R" * 20, "S" * 20]
    count = scanlog.FLUSH_CHUNK * 2 + 7
    async with Database(engine).sessionmaker() as unused:
        for n in range(count):
            await log.record(unused, record(codes[n % 2], f"source{n}"))
    assert await log.flush() == count
    async with Database(engine).sessionmaker() as reader:
        stored = await reader.scalar(select(func.count()).where(Scan.code.in_(codes)))
        totals = dict(
            (
                await reader.execute(
                    select(LabelScanStat.code, LabelScanStat.scan_count).where(
                        LabelScanStat.code.in_(codes)
                    )
                )
            ).all()
        )
    assert stored == count
    assert totals == {codes[0]: (count + 1) // 2, codes[1]: count // 2}


async def test_rollup_folds_old_scans_into_daily_counts(session, label_world) -> None:
    from app.verification.models import ScanDaily
    from app.verification.rollup import roll_up

    code = label_world["code"]
    old = [record(code, f"s{n % 3}", minutes_ago=60 * 24 * 200) for n in range(6)]
    await scanlog.write_scans(session, [*old, record(code, "recent")])
    assert await roll_up(session, utcnow()) == 6
    (daily,) = list(await session.scalars(select(ScanDaily).where(ScanDaily.code == code)))
    assert (daily.scans, daily.distinct_sources) == (6, 3)
    remaining = list(await session.scalars(select(Scan.source_hash).where(Scan.code == code)))
    assert remaining == ["recent"]
