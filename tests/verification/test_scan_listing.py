"""Scans and suspicious codes page by keyset cursor: ties on the time are broken by id (or
code), rows added while paging cause no duplicate or gap, and a licensee's cursor never leads
into another enterprise's scans."""

import itertools
from datetime import timedelta

import factories
from paging import assert_cursor_refused, walk

from app.core.principal import Role
from app.core.time import utcnow
from app.label.models import LabelScanStat
from app.verification.models import Scan

SCANS = "/api/v1/scans"
SUSPICIOUS = "/api/v1/scans/suspicious"
_tags = itertools.count(1)


def scan(code: str, at) -> Scan:
    return Scan(
        code=code,
        scanned_at=at,
        verdict="genuine",
        network_prefix="203.0.113.0/24",
        source_hash="s" * 32,
        ua_family=f"ua{next(_tags)}",  # the listing shows no id: this tells scans apart
        os_family="android",
    )


async def add_scans(session, codes: list[str], at) -> list[Scan]:
    rows = [scan(code, at) for code in codes]
    session.add_all(rows)
    await session.flush()
    return rows


async def test_a_cursor_walk_over_scans_breaks_ties_and_survives_inserts(
    session, client, label_world
) -> None:
    codes = [label.code for label in label_world["labels"]]
    now = utcnow().replace(microsecond=0)
    tied = await add_scans(session, codes * 2, now - timedelta(minutes=5))  # 6 at one instant
    older = await add_scans(session, codes, now - timedelta(hours=1))
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)

    async def more(_page: int) -> None:
        await add_scans(session, codes[:1], utcnow())

    walked = await walk(client, SCANS, regulator, {"limit": 4}, between=more)
    newest_first = [*reversed(tied), *reversed(older)]  # ties: the later id first
    assert [s["ua_family"] for s in walked] == [s.ua_family for s in newest_first]
    ascending = await walk(client, SCANS, regulator, {"limit": 4, "sort": "scanned_at"})
    tags = [s["ua_family"] for s in ascending]
    assert len(tags) == len(set(tags)) == 9 + 2  # two walked pages added one each
    assert tags[:9] == [s.ua_family for s in [*older, *tied]]


async def test_a_licensee_cursor_stays_within_its_own_scans(session, client, label_world, codec):
    mine = label_world["labels"][0].code
    other = await factories.enterprise(session)
    licence = await factories.licence(session, other.id, label_world["product"].id)
    [theirs] = await factories.labels(
        session, await factories.batch(session, licence), codec.mint_many(1)
    )
    now = utcnow()
    for n in range(4):  # interleaved in time: each of my pages borders one of theirs
        await add_scans(session, [mine], now - timedelta(minutes=2 * n))
        await add_scans(session, [theirs.code], now - timedelta(minutes=2 * n + 1))
    owner = await factories.auth_headers(session, client, Role.LICENSEE, label_world["company"].id)
    walked = await walk(client, SCANS, owner, {"limit": 1})
    assert [s["code"] for s in walked] == [mine] * 4
    assert all("network_prefix" not in s for s in walked)


async def test_a_tampered_scan_cursor_is_a_422_problem(session, client) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    for cursor in ("x", "W1siYSJdXQ", "WzEsInNjYW5zOi1zY2FubmVkX2F0IixbIm5vdCBhIHRpbWUiLDFdXQ"):
        response = await client.get(SCANS, params={"cursor": cursor}, headers=regulator)
        assert_cursor_refused(response)


async def flag(session, code: str, at) -> None:
    session.add(
        LabelScanStat(
            code=code,
            scan_count=9,
            first_scanned_at=at,
            last_scanned_at=at,
            suspect_reason="many_sources",
            suspect_evidence={"sources": 9},
            flagged_at=at,
        )
    )
    await session.flush()


async def test_suspicious_codes_page_by_cursor_and_search(session, client, label_world, codec):
    at = utcnow().replace(microsecond=0)
    for label in label_world["labels"]:  # three flagged at one instant: ties broken by code
        await flag(session, label.code, at)
    other = await factories.enterprise(session, name="临河区葵花合作社")
    licence = await factories.licence(session, other.id, label_world["product"].id)
    batch = await factories.batch(session, licence, lot_number="LH-2026-9")
    [stranger] = await factories.labels(session, batch, codec.mint_many(1))
    await flag(session, stranger.code, at - timedelta(days=1))
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)

    walked = await walk(client, SUSPICIOUS, regulator, {"limit": 2})
    ours = sorted((label.code for label in label_world["labels"]), reverse=True)
    assert [s["code"] for s in walked] == [*ours, stranger.code]

    async def found(q: str) -> list[str]:
        body = (await client.get(SUSPICIOUS, params={"q": q}, headers=regulator)).json()
        return [s["code"] for s in body["items"]]

    assert await found("葵花合作") == [stranger.code]
    assert await found("2026-9") == [stranger.code]
    assert await found(other.uscc[-8:]) == [stranger.code]
    grouped = "-".join(stranger.code[i : i + 4] for i in range(4, 12, 4)).lower()
    assert await found(grouped) == [stranger.code]
