"""The batch list pages by keyset cursor (``offset`` still works), searches lots, names, USCCs
and codes by substring, and never shows a licensee another enterprise's batch."""

import factories
import pytest
from paging import assert_cursor_refused, walk
from verification_fixtures import codec as codec  # the search test mints a code

from app.core import pagination
from app.core.pagination import Keyset, encode_cursor
from app.label.models import LabelBatch

URL = "/api/v1/batches"


async def test_a_cursor_walk_sees_each_batch_once_while_batches_are_added(
    session, client, shop
) -> None:
    made = [await factories.batch(session, shop["licence"]) for _ in range(7)]

    async def another(_page: int) -> None:
        made.append(await factories.batch(session, shop["licence"]))

    newest_first = await walk(client, URL, shop["regulator"], {"limit": 3}, between=another)
    ids = [b["id"] for b in newest_first]
    assert ids == sorted({b.id for b in made[:7]}, reverse=True)  # the new ones are above

    oldest_first = await walk(
        client, URL, shop["regulator"], {"limit": 3, "sort": "id"}, between=another
    )
    ids = [b["id"] for b in oldest_first]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert ids == [b.id for b in made][: len(ids)] and len(ids) >= 10  # later ones follow


async def test_offset_still_pages_and_offers_a_cursor(session, client, shop) -> None:
    for _ in range(5):
        await factories.batch(session, shop["licence"])
    first = (await client.get(URL, params={"limit": 2}, headers=shop["regulator"])).json()
    second = (
        await client.get(URL, params={"limit": 2, "offset": 2}, headers=shop["regulator"])
    ).json()
    by_cursor = (
        await client.get(
            URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=shop["regulator"]
        )
    ).json()
    assert second["items"] == by_cursor["items"] and second["offset"] == 2
    assert first["total"] == 5 and first["total_is_estimate"] is False
    both = await client.get(
        URL, params={"offset": 2, "cursor": first["next_cursor"]}, headers=shop["regulator"]
    )
    assert_cursor_refused(both)


@pytest.mark.parametrize(
    "cursor", ["garbage", "eyJ4IjoxfQ", encode_cursor(Keyset("audit:-seq", (LabelBatch.id,)), (5,))]
)
async def test_a_tampered_cursor_is_a_422_problem(client, shop, cursor) -> None:
    assert_cursor_refused(
        await client.get(URL, params={"cursor": cursor}, headers=shop["regulator"])
    )


async def test_a_cursor_of_the_other_order_is_refused(session, client, shop) -> None:
    for _ in range(3):
        await factories.batch(session, shop["licence"])
    page = (await client.get(URL, params={"limit": 1}, headers=shop["regulator"])).json()
    params = {"cursor": page["next_cursor"], "sort": "id"}
    assert_cursor_refused(await client.get(URL, params=params, headers=shop["regulator"]))


async def test_totals_above_the_cap_are_flagged_as_estimates(
    session, client, shop, monkeypatch, on_sqlite
) -> None:
    for _ in range(5):
        await factories.batch(session, shop["licence"])
    monkeypatch.setattr(pagination, "TOTAL_CAP", 3)
    page = (await client.get(URL, params={"limit": 2}, headers=shop["regulator"])).json()
    assert page["total_is_estimate"] is True
    assert page["total"] == 3 if on_sqlite else page["total"] >= 4
    few = (await client.get(URL, params={"status": "requested"}, headers=shop["regulator"])).json()
    assert few == {**few, "total": 0, "total_is_estimate": False, "next_cursor": None}


async def test_a_licensee_never_pages_into_another_enterprises_batches(
    session, client, shop
) -> None:
    other = await factories.enterprise(session)
    theirs = await factories.licence(session, other.id, shop["product"].id)
    mine = set()
    for _ in range(4):  # interleaved ids: each of my pages borders one of theirs
        mine.add((await factories.batch(session, shop["licence"])).id)
        await factories.batch(session, theirs)
    walked = await walk(client, URL, shop["licensee"], {"limit": 1})
    assert {b["id"] for b in walked} == mine and len(walked) == 4
    # A cursor pointing anywhere (here: above their newest batch) still yields only mine.
    forged = encode_cursor(Keyset("batches:-id", (LabelBatch.id,)), (10**12,))
    page = (await client.get(URL, params={"cursor": forged}, headers=shop["licensee"])).json()
    assert {b["id"] for b in page["items"]} == mine and page["total"] == 4


async def test_search_matches_chinese_names_lots_usccs_and_codes_by_substring(
    session, client, shop, codec
) -> None:
    other = await factories.enterprise(session, name="五原县隆兴昌镇葵花合作社")
    theirs = await factories.licence(session, other.id, shop["product"].id)
    ours = await factories.batch(session, shop["licence"], lot_number="WY-2026-017")
    coop = await factories.batch(session, theirs, lot_number="KH_2026_003")
    [label] = await factories.labels(session, coop, codec.mint_many(1))

    async def found(q: str) -> set[int]:
        body = (await client.get(URL, params={"q": q}, headers=shop["regulator"])).json()
        return {b["id"] for b in body["items"]}

    assert await found("葵花合作") == {coop.id}
    assert await found("丰瑞") == {ours.id}
    assert await found("2026-017") == {ours.id}
    assert await found(other.uscc[-8:]) == {coop.id}
    assert await found("五原向日") == {ours.id, coop.id}  # the product's name
    assert await found(label.code.lower()) == {coop.id}
    assert await found("_2026_") == {coop.id}  # LIKE wildcards are matched literally
    assert await found("%") == set()
