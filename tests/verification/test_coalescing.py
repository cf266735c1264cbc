"""Coalesced lookups (the PostgreSQL hot path): concurrent checks share one round trip, and no
check is answered by a round trip that started before it arrived (issue 5 item 7).

The ordering tests drive ``LookupBatcher`` against a fake database whose statements take their
snapshot when they start and return only when the test lets them, so that a revocation can be
committed while a round trip is in flight, exactly between two checks."""

import asyncio
from contextlib import asynccontextmanager

import factories
import pytest

from app.label.models import LabelStatus
from app.verification.cache import VerdictCache
from app.verification.coalesce import LookupBatcher
from app.verification.scanlog import ScanLog

GENUINE = {"code": "C1", "label_status": "active"}
REVOKED = {"code": "C1", "label_status": "revoked"}


class FakeDatabase:
    """Rows and a trust epoch; each statement reads a snapshot as it starts."""

    def __init__(self) -> None:
        self.epoch, self.rows = 1, {"C1": GENUINE, "C2": {"code": "C2", "label_status": "active"}}
        self.statements: list[list[str]] = []
        self.gates: list[asyncio.Event] = []  # one per statement, set by the test
        self.hold = False  # when set, statements wait for their gate
        self.fail_next = False

    def commit_revocation(self) -> None:
        """What a revocation's transaction does: change the row, bump the epoch, commit."""
        self.rows = {**self.rows, "C1": REVOKED}
        self.epoch += 1

    async def fetch(self, codes: list[str]) -> tuple[int, dict[str, dict]]:
        self.statements.append(codes)
        snapshot = self.epoch, {c: dict(self.rows[c]) for c in codes if c in self.rows}
        gate = asyncio.Event()
        self.gates.append(gate)
        if not self.hold:
            gate.set()
        await gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database went away")
        return snapshot


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def batcher(db: FakeDatabase) -> LookupBatcher:
    return LookupBatcher(db.fetch, VerdictCache())


async def test_concurrent_checks_share_one_round_trip(db, batcher) -> None:
    rows = await asyncio.gather(*(batcher.label_row(c) for c in ["C1", "C2", "C1", "C9"] * 5))
    assert batcher.round_trips == 1 and db.statements == [["C1", "C2", "C9"]]
    assert [r and r["code"] for r in rows[:4]] == ["C1", "C2", "C1", None]  # C9: not issued
    rows[0]["scan_count"] = 99  # every caller gets its own copy
    assert rows[2] == GENUINE


async def test_a_check_arriving_during_a_round_trip_waits_for_the_next(db, batcher) -> None:
    db.hold = True
    first = asyncio.create_task(batcher.label_row("C1"))
    await settle()  # round trip 1 has started: it reads the genuine row
    db.commit_revocation()
    second = asyncio.create_task(batcher.label_row("C1"))  # arrives after the commit
    await settle()
    db.gates[0].set()
    await settle()
    assert first.done() and first.result() == GENUINE  # began before the revocation: fine
    assert not second.done()  # round trip 1 began before it arrived: may not answer it
    assert len(db.statements) == 2
    db.hold = False
    db.gates[1].set()
    assert (await second)["label_status"] == "revoked"


async def test_a_cached_row_needs_an_epoch_read_that_started_after_the_check(db, batcher) -> None:
    assert await batcher.label_row("C1") == GENUINE  # cached under epoch 1
    db.hold = True
    other = asyncio.create_task(batcher.label_row("C2"))
    await settle()  # a round trip for C2 is in flight; it will read epoch 1
    db.commit_revocation()  # epoch 2
    check = asyncio.create_task(batcher.label_row("C1"))  # its cached row says genuine
    await settle()
    db.gates[1].set()  # the in-flight round trip returns epoch 1, equal to the cached row's
    await settle()
    assert other.done() and not check.done()  # that epoch was read before the check arrived
    assert db.statements[2] == []  # the next round trip only reads the epoch: it moved
    db.gates[2].set()
    await settle()
    assert db.statements[3] == ["C1"]  # so the stale row is fetched afresh
    db.gates[3].set()
    assert (await check)["label_status"] == "revoked"


async def test_a_cached_row_is_served_when_the_fresh_epoch_matches(db, batcher) -> None:
    await batcher.label_row("C1")
    assert await batcher.label_row("C1") == GENUINE
    assert db.statements == [["C1"], []]  # the second round trip read only the epoch


async def test_a_failed_round_trip_fails_only_its_own_checks(db, batcher) -> None:
    db.fail_next = True
    with pytest.raises(ConnectionError):
        await batcher.label_row("C1")
    assert await batcher.label_row("C1") == GENUINE


async def test_one_round_trip_takes_at_most_max_codes(db) -> None:
    batcher = LookupBatcher(db.fetch, VerdictCache(), max_codes=2)
    await asyncio.gather(*(batcher.label_row(c) for c in ["C1", "C2", "C3", "C1", "C4"]))
    assert db.statements == [["C1", "C2"], ["C3"], ["C4"]]  # C1 came from the cache


# --- the real statement, through the HTTP app, on PostgreSQL ---------------------------------


class SharedConnectionPool:
    """Hands out the test's own connection (inside its rolled-back transaction)."""

    def __init__(self, connection) -> None:  # type: ignore[no-untyped-def]
        self.connection = connection

    @asynccontextmanager
    async def acquire(self):  # type: ignore[no-untyped-def]
        yield self.connection


@pytest.fixture
async def hot_app(session, test_settings, database, on_sqlite):
    """An app on its PostgreSQL hot path: coalesced lookups, scans buffered."""
    if on_sqlite:
        pytest.skip("the pooled reader is PostgreSQL's hot path")
    from app.main import create_app

    app = create_app(test_settings, database)
    raw = (await (await session.connection()).get_raw_connection()).driver_connection
    app.state.verifier.pool = SharedConnectionPool(raw)
    app.state.verifier.scans = ScanLog(database, batched=True, interval=60)
    return app


@pytest.fixture
async def pooled_client(hot_app):
    from verification_fixtures import client_from

    async with client_from(hot_app, "198.51.100.7") as client:
        yield client


async def verify(client, code: str) -> dict:
    response = await client.get(f"/api/v1/verify/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_hot_path_answers_like_the_session_path(
    client, pooled_client, hot_app, label_world
) -> None:
    code = label_world["code"]
    slow = await verify(client, code)  # the session path, scan written inline
    fast = await verify(pooled_client, code)
    assert fast["verdict"] == "genuine" and fast["enterprise"] == slow["enterprise"]
    assert fast["history"]["times_checked_before"] == 1
    assert {k: v for k, v in fast.items() if k != "history"} == {
        k: v for k, v in slow.items() if k != "history"
    }
    verifier = hot_app.state.verifier
    assert verifier.pooled.batcher.round_trips == 1
    assert await verifier.scans.flush() == 1  # the scan was buffered, then written
    again = await verify(pooled_client, code)
    assert again["history"]["times_checked_before"] == 2


async def test_the_hot_path_sees_a_revocation_at_once(session, pooled_client, label_world) -> None:
    code = label_world["code"]
    assert (await verify(pooled_client, code))["verdict"] == "genuine"  # now cached
    regulator = await factories.auth_headers(session, pooled_client, factories.Role.REGULATOR)
    withdraw = {
        "reason": "违规使用",
        "legal_basis": "《地理标志专用标志使用管理办法》",
        "case_number": "WY-02",
        "revoke_labels": True,
    }
    response = await pooled_client.post(
        f"/api/v1/licences/{label_world['licence'].id}/withdraw", json=withdraw, headers=regulator
    )
    assert response.status_code == 200, response.text
    assert (await verify(pooled_client, code))["verdict"] == "revoked"


async def test_the_hot_path_serves_a_voided_label_as_void(session, pooled_client, label_world):
    label_world["labels"][1].status = LabelStatus.VOID
    await session.flush()
    assert (await verify(pooled_client, label_world["labels"][1].code))["verdict"] == "void"
    assert (await verify(pooled_client, label_world["code"]))["verdict"] == "genuine"


async def test_verify_json_keeps_its_errors_and_methods(client, label_world) -> None:
    code = label_world["code"]
    too_long = await client.get("/api/v1/verify/" + "A" * 65)
    assert too_long.status_code == 422
    assert too_long.headers["content-type"] == "application/problem+json"
    assert too_long.json()["errors"][0]["field"] == "path.code"
    assert (await client.get("/api/v1/verify/" + "A" * 64)).json()["verdict"] == "malformed"
    head = await client.head(f"/api/v1/verify/{code}")
    assert head.status_code == 405 and head.headers["allow"] == "GET"
    ok = await client.get(f"/api/v1/verify/{code}")
    assert ok.headers["content-type"] == "application/json" and ok.headers["x-request-id"]
    assert "/api/v1/verify/{code}" in (await client.get("/openapi.json")).json()["paths"]


async def test_the_lookup_pool_never_plans_a_sequential_scan(engine, test_settings, on_sqlite):
    """The pool's statements are key probes: a plan made while a table looks empty must not
    scan it row by row once it fills (readers.SERVER_SETTINGS)."""
    if on_sqlite:
        pytest.skip("the pooled reader is PostgreSQL's hot path")
    from app.verification.readers import create_pool
    from app.verification.repository.lookups import _ARGUMENTS, _CODES_AT, LOOKUP_MANY_SQL

    pool = await create_pool(test_settings.resolved_database_url, 1)
    try:
        async with pool.acquire() as connection:
            # Known to be empty, as on a new install: the state a cached plan outlives.
            await connection.execute("TRUNCATE label_scan_stat")
            await connection.execute("VACUUM ANALYZE label_scan_stat")
            arguments = list(_ARGUMENTS)
            arguments[_CODES_AT] = ["A" * 20, "B" * 20]
            plan = [
                row[0] for row in await connection.fetch("EXPLAIN " + LOOKUP_MANY_SQL, *arguments)
            ]
    finally:
        await pool.close()
    assert not [line for line in plan if "Seq Scan" in line], plan
