"""The public check reads from a streaming replica and still serves no ``genuine`` after a
revocation commits (DESIGN §6, issue 16 point 3).

A throwaway primary (``initdb``) and a hot-standby replica (``pg_basebackup``) on loopback
ports; the replica applies WAL 300 ms late (``recovery_min_apply_delay``), so after the
revocation commits it still holds the old verdict for a while: a check answered from it
without the trust-mark rule would say ``genuine``. gimark serves with the replica configured;
clients check the batch's codes without pause while the batch is revoked on the primary; every
check *sent* after the commit returned must not be ``genuine``. Then the replica is killed:
checks keep answering, from the primary."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import factories
import httpx
import pgcluster
import pytest

from app.core import migrate
from app.core.db import Database, create_engine
from app.core.principal import Principal, Role
from app.label.code import LabelCodec
from app.revocation import service as revocations
from app.revocation.schemas import Grounds

pytestmark = [
    pytest.mark.dbless,
    pytest.mark.skipif(
        pgcluster.binaries() is None,
        reason="PostgreSQL server binaries (initdb, pg_basebackup, pg_ctl) are not installed:"
        " apt-get install postgresql",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"1": "ab" * 32}
CLIENTS = 16
LAG = "'300ms'"


async def seed(url: str) -> tuple[int, list[str], Principal]:
    """A migrated database with one issued batch of 100 labels and a regulator."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    codec = LabelCodec({k: bytes.fromhex(v) for k, v in KEYS.items()}, "1")
    try:
        async with Database(engine).sessionmaker() as session, session.begin():
            product = await factories.product(session)
            company = await factories.enterprise(session)
            licence = await factories.licence(session, company.id, product.id)
            batch = await factories.batch(session, licence, key_id="1")
            codes = codec.mint_many(100)
            await factories.labels(session, batch, codes)
            account = await factories.user(session, Role.REGULATOR)
            regulator = Principal("user", account.id, account.username, Role.REGULATOR)
            return batch.id, codes, regulator
    finally:
        await engine.dispose()


async def revoke(url: str, batch_id: int, regulator: Principal) -> float:
    """Revoke the batch on the primary; the moment the commit returned."""
    engine = create_engine(url)
    grounds = Grounds(
        reason="抽检不合格", legal_basis="《地理标志专用标志使用管理办法》", case_number="R-1"
    )
    try:
        async with Database(engine).sessionmaker() as session, session.begin():
            await revocations.revoke_batch(session, regulator, batch_id, grounds)
        return time.monotonic()
    finally:
        await engine.dispose()


def serve(primary_url: str, replica_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "GIMARK_MODE": "production",
        "GIMARK_DATABASE_URL": primary_url,
        "GIMARK_REPLICA_DATABASE_URL": replica_url,
        "GIMARK_JWT_SECRET": "r" * 48,
        "GIMARK_LABEL_KEYS": json.dumps(KEYS),
        "GIMARK_LABEL_CURRENT_KEY_ID": "1",
        "GIMARK_RATE_LIMIT_CHECKS_PER_MINUTE": "100000000",
        "GIMARK_PUBLIC_RATE_LIMIT_PER_MINUTE": "100000000",
        "GIMARK_JOBS_IN_APP": "false",
    }
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(port),
               "--no-access-log", "--log-level", "warning"]  # fmt: skip
    with log.open("wb") as stderr:
        return subprocess.Popen(command, env=env, cwd=ROOT, stderr=stderr)


async def ready(client: httpx.AsyncClient, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    tail = await asyncio.to_thread(log.read_text, errors="replace")
    raise AssertionError(f"gimark did not start:\n{tail[-3000:]}")


Check = tuple[float, int, str | None]  # (sent at, status, verdict)


async def keep_checking(
    client: httpx.AsyncClient, codes: list[str], until: list[float]
) -> list[Check]:
    """Check random codes until ``until[0]`` (a list: the caller moves the end once it knows
    when the revocation committed)."""
    checks: list[Check] = []
    while time.monotonic() < until[0]:
        sent = time.monotonic()
        response = await client.get(f"/api/v1/verify/{random.choice(codes)}")
        verdict = response.json().get("verdict") if response.status_code == 200 else None
        checks.append((sent, response.status_code, verdict))
    return checks


async def replica_sessions(url: str) -> int:
    """Transactions the replica has run in gimark's database (read-only lookups)."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return int(
            await connection.fetchval(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'gimark'"
            )
        )
    finally:
        await connection.close()


async def test_no_genuine_after_the_revocation_commits_while_reading_a_lagging_replica(
    tmp_path: Path,
) -> None:
    with pgcluster.primary() as primary:
        admin = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{primary.port}/postgres")
        await admin.execute("CREATE DATABASE gimark")
        await admin.close()
        primary_url = primary.url("gimark")
        batch_id, codes, regulator = await seed(primary_url)
        with pgcluster.replica_of(primary, recovery_min_apply_delay=LAG) as replica:
            replica_url = replica.url("gimark")
            port, log = pgcluster.free_port(), tmp_path / "gimark.log"
            process = serve(primary_url, replica_url, port, log)
            limits = httpx.Limits(max_connections=CLIENTS)
            base = f"http://127.0.0.1:{port}"
            try:
                async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
                    await ready(client, process, log)
                    before = await replica_sessions(replica_url)
                    until = [time.monotonic() + 60.0]
                    load = [
                        asyncio.create_task(keep_checking(client, codes, until))
                        for _ in range(CLIENTS)
                    ]
                    await asyncio.sleep(1.5)
                    committed = await revoke(primary_url, batch_id, regulator)
                    until[0] = committed + 2.0
                    checks = [c for task in load for c in await task]
                    used = await replica_sessions(replica_url) - before

                    replica.stop("immediate")  # dead replica: slower, still right
                    after_death = await keep_checking(client, codes, [time.monotonic() + 2.5])
            finally:
                process.terminate()
                process.wait(timeout=30)

    assert all(status == 200 for _sent, status, _verdict in checks), "a check failed"
    earlier = [verdict for sent, _status, verdict in checks if sent < committed - 0.1]
    later = [verdict for sent, _status, verdict in checks if sent > committed]
    stale = [verdict for verdict in later if verdict == "genuine"]
    print(f"{len(earlier)} checks before the commit, {len(later)} after; replica ran {used}")
    assert "genuine" in earlier and len(later) > 50, (len(earlier), len(later))
    assert stale == [], f"{len(stale)} of {len(later)} checks after the commit said genuine"
    assert used > 20, f"the replica answered {used} transactions: reads did not reach it"
    assert after_death and all(status == 200 for _s, status, _v in after_death)
    assert {verdict for _s, _status, verdict in after_death} == {"revoked"}
