"""SIGTERM under load loses no scan: uvicorn stops taking requests, answers those in flight,
then the app's shutdown writes the scan buffer. The flush interval is set far beyond the test,
so every scan is still in the buffer when the signal comes: only the shutdown flush can have
written them."""

from __future__ import annotations

import asyncio
import signal

import httpx
import pytest
from serving import Load, seed, server_env, uvicorn_server
from sqlalchemy import func, select

from app.core.db import Database, create_engine
from app.verification.models import Scan

pytestmark = pytest.mark.dbless  # it brings its own database and server


async def _stored_scans(url: str) -> int:
    database = Database(create_engine(url))
    try:
        async with database.sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(Scan)) or 0)
    finally:
        await database.dispose()


async def _load_then_sigterm(server, codes: list[str]) -> tuple[Load, int]:
    load = Load()
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(base_url=server.base, timeout=10, limits=limits) as client:
        tasks = [
            asyncio.create_task(
                load.repeat(client, "verify", lambda c, code=code: c.get(f"/api/v1/verify/{code}"))
            )
            for code in codes * 3
        ]
        await asyncio.sleep(1.5)
        exit_code = await asyncio.to_thread(server.terminate)
        load.stopping.set()
        await asyncio.gather(*tasks)
    return load, exit_code


def test_sigterm_under_load_writes_every_acknowledged_scan(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shutdown.db'}"
    codes = asyncio.run(seed(url))
    env = server_env(url, tmp_path, GIMARK_SCAN_FLUSH_SECONDS="60")
    with uvicorn_server(env, tmp_path) as server:
        load, exit_code = asyncio.run(_load_then_sigterm(server, codes))
        output = server.output()

    acknowledged = [a for a in load.of("verify") if a.status == 200]
    # uvicorn re-raises the signal once it has shut down gracefully: -SIGTERM, not a crash.
    assert exit_code in (0, -signal.SIGTERM), output
    assert "Traceback" not in output, output
    assert len(acknowledged) > 50  # the load was real
    assert all(a.body["verdict"] == "genuine" for a in acknowledged)
    stored = asyncio.run(_stored_scans(url))
    unanswered = [a for a in load.of("verify") if a.status is None]
    # Every acknowledged check's scan is stored; at most the checks cut off by the stop without
    # an answer may have one too.
    assert len(acknowledged) <= stored <= len(acknowledged) + len(unanswered), output
