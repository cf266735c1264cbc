"""The audit trail pages by ``seq``: newest first or oldest first, each event once however many
are appended while a regulator pages through it."""

import factories
from paging import assert_cursor_refused, walk

from app.audit import service as audit
from app.core.principal import SYSTEM, Role

URL = "/api/v1/audit/events"


async def append(session, action: str, count: int) -> list[int]:
    events = [await audit.record(session, SYSTEM, action, "thing", n) for n in range(count)]
    await audit.append_pending(session)
    return [e.seq for e in events]


async def test_a_cursor_walk_over_the_ledger_survives_appends(session, client) -> None:
    seqs = await append(session, "test.listing", 7)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)

    async def more(_page: int) -> None:
        seqs.extend(await append(session, "test.listing", 2))

    params = {"action": "test.listing", "limit": 3}
    newest_first = await walk(client, URL, regulator, params, between=more)
    assert [e["seq"] for e in newest_first] == sorted(seqs[:7], reverse=True)

    oldest_first = await walk(client, URL, regulator, {**params, "sort": "seq"}, between=more)
    walked = [e["seq"] for e in oldest_first]
    assert walked == seqs[: len(walked)] and len(walked) > 7  # appended events follow on


async def test_a_tampered_or_foreign_cursor_is_refused(session, client) -> None:
    await append(session, "test.listing", 3)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    page = (await client.get(URL, params={"limit": 1}, headers=regulator)).json()
    assert page["next_cursor"] and page["total_is_estimate"] is False
    for params in (
        {"cursor": page["next_cursor"][:-3]},
        {"cursor": page["next_cursor"], "sort": "seq"},
        {"cursor": page["next_cursor"], "offset": 1},
    ):
        assert_cursor_refused(await client.get(URL, params=params, headers=regulator))
    batches_page = await client.get(
        "/api/v1/batches", params={"cursor": page["next_cursor"]}, headers=regulator
    )
    assert_cursor_refused(batches_page)
    long = await client.get(URL, params={"cursor": "a" * 600}, headers=regulator)
    assert long.status_code == 422 and long.json()["errors"][0]["field"] == "query.cursor"
