"""PostgreSQL crashes under load and comes back; gimark is not restarted.

A throwaway PostgreSQL (its own folder and port) serves gimark (uvicorn subprocess, scans
batched: the production hot path on the asyncpg pool). Clients file consumer reports (writes)
and check codes read before (reads) without pause; the database is stopped as by a power cut
(``pg_ctl stop -m immediate``) for about five seconds, then started again. Counted:

* acknowledged writes lost: every report answered 201 must be in the database afterwards (0);
* answers during the outage that are neither 503 nor a cached verdict marked ``as_of`` (0),
  and no refused or dropped connection at all: gimark itself stays up;
* time to recover: a write and a fresh (not ``as_of``) check succeed within a few seconds of
  the database accepting connections again."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from itertools import count

import httpx
import pytest
from serving import Answer, Load, seed, server_env, uvicorn_server
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine
from throwaway_postgres import needs_postgres_binaries, throwaway_postgres

from app.core.db import Database, create_engine
from app.report.models import ConsumerReport

pytestmark = [pytest.mark.dbless, needs_postgres_binaries]  # it brings its own PostgreSQL

OUTAGE_SECONDS = 5.0
RECOVERY_SECONDS = 5.0


@dataclass
class Timeline:
    crashed: float  # the server is down (pg_ctl returned)
    restarting: float  # pg_ctl start was called
    restarted: float  # the server accepts connections again


async def _create_database(admin_url: str, name: str) -> None:
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()


async def _stored_report_ids(url: str) -> set[int]:
    database = Database(create_engine(url))
    try:
        async with database.sessionmaker() as session:
            return set(await session.scalars(select(ConsumerReport.id)))
    finally:
        await database.dispose()


def _recovered(load: Load, since: float) -> bool:
    return _first_write(load, since) is not None and _first_fresh_read(load, since) is not None


def _first_write(load: Load, since: float) -> Answer | None:
    return next((a for a in load.of("report") if a.started >= since and a.status == 201), None)


def _first_fresh_read(load: Load, since: float) -> Answer | None:
    fresh = (a for a in load.of("verify") if a.started >= since and a.status == 200)
    return next((a for a in fresh if a.body and a.body["as_of"] is None), None)


async def _crash_under_load(base: str, pg, codes: list[str]) -> tuple[Load, Timeline]:
    load, numbers = Load(), count()

    def report(client: httpx.AsyncClient):  # type: ignore[no-untyped-def]
        seen = f"包装印刷模糊，疑似假冒（第 {next(numbers)} 份）"
        return client.post("/api/v1/reports", data={"what_was_seen": seen})

    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=base, timeout=15, limits=limits) as client:
        for code in codes:  # read once: what the check will know in the outage
            assert (await client.get(f"/api/v1/verify/{code}")).status_code == 200
        readers = [
            load.repeat(client, "verify", lambda c, code=code: c.get(f"/api/v1/verify/{code}"))
            for code in codes * 2
        ]
        writers = [load.repeat(client, "report", report) for _ in range(4)]
        tasks = [asyncio.create_task(work) for work in (*readers, *writers)]
        await asyncio.sleep(2)
        await asyncio.to_thread(pg.crash)
        crashed = time.monotonic()
        await asyncio.sleep(OUTAGE_SECONDS)
        restarting = time.monotonic()
        await asyncio.to_thread(pg.start)
        timeline = Timeline(crashed, restarting, time.monotonic())
        for _ in range(300):  # at most 30 s for both to come back
            if _recovered(load, timeline.restarted):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
        load.stopping.set()
        await asyncio.gather(*tasks)
    return load, timeline


def test_a_crash_under_load_loses_nothing_and_answers_503(tmp_path) -> None:
    with throwaway_postgres() as pg:
        asyncio.run(_create_database(pg.url(), "gimark"))
        url = pg.url("gimark")
        codes = asyncio.run(seed(url))
        env = server_env(url, tmp_path, GIMARK_SCAN_FLUSH_SECONDS="0.2", GIMARK_DB_POOL_SIZE="5")
        with uvicorn_server(env, tmp_path) as server:
            load, timeline = asyncio.run(_crash_under_load(server.base, pg, codes))
            output = server.output()
        stored = asyncio.run(_stored_report_ids(url))

    # gimark answered everything, and only with success or 503.
    assert [a.error for a in load.answers if a.status is None] == [], output
    assert {a.status for a in load.answers} <= {200, 201, 503}, output
    unavailable = [a for a in load.answers if a.status == 503]
    assert unavailable and all(a.body["code"] == "database_unavailable" for a in unavailable)
    assert all(a.body["verdict"] != "unknown" for a in load.of("verify") if a.status == 200)

    # During the outage: no write succeeded; a read was either the verdict from before, marked
    # as of then, or "cannot check right now".
    during = [
        a for a in load.answers if timeline.crashed <= a.started and a.ended <= timeline.restarting
    ]
    reports_during = [a for a in during if a.kind == "report"]
    assert reports_during and all(a.status == 503 for a in reports_during)
    cached = [a for a in during if a.kind == "verify" and a.status == 200]
    assert cached and all(a.body["as_of"] is not None for a in cached)

    # No acknowledged write was lost.
    acknowledged = {a.body["id"] for a in load.of("report") if a.status == 201}
    assert len(acknowledged) > 10 and acknowledged - stored == set()

    # Recovered without restarting gimark, within a few seconds of the database.
    write, read = (
        _first_write(load, timeline.restarted),
        _first_fresh_read(load, timeline.restarted),
    )
    assert write is not None and read is not None, output
    print(  # the figures, for whoever runs it with -s
        f"outage {timeline.restarting - timeline.crashed:.1f} s: {len(acknowledged)} reports"
        f" acknowledged, 0 lost; {len(unavailable)} answers 503, {len(cached)} checks answered"
        f" as of before; write back {write.ended - timeline.restarted:.2f} s and fresh check"
        f" {read.ended - timeline.restarted:.2f} s after the database"
    )
    assert write.ended - timeline.restarted < RECOVERY_SECONDS
    assert read.ended - timeline.restarted < RECOVERY_SECONDS
