"""``gimark backup`` copies a SQLite database while the app writes to it (scans and audited
acts in their own transactions), and the copy serves the same verdicts with a valid audit
chain (issue 16, backup and restore). Its own database file: ``dbless``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import clitool
import pytest
import restored_world as world

from app.core.principal import SYSTEM
from app.jobs import periodic
from app.jobs import service as jobs_service

pytestmark = pytest.mark.dbless


async def test_a_backup_taken_while_the_app_writes_restores_the_same_verdicts(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    database, codes = await world.build(url)
    settings = world.settings_for(url)
    try:
        before = await world.snapshot(database, settings, codes)
        assert {"genuine", "revoked", "unknown", "malformed"} <= set(before.verdicts.values())
        writes = 0
        stop = asyncio.Event()
        progress = asyncio.Condition()

        async def written(count: int) -> None:
            async with progress:
                await progress.wait_for(lambda: writes >= count)

        async def keep_writing() -> None:
            """A scan and an audited act (a queued job) per round, each its own commit."""
            nonlocal writes
            while not stop.is_set():
                await world.verdicts_of(database, settings, codes[:1])
                async with database.sessionmaker() as session, session.begin():
                    await jobs_service.enqueue(session, SYSTEM, periodic.PURGE_SALTS, {})
                async with progress:
                    writes += 1
                    progress.notify_all()

        writer = asyncio.create_task(keep_writing())
        await written(3)  # the writer is under way before the copy starts
        copy = tmp_path / "backup.db"
        result = await clitool.run_cli(url, "backup", str(copy))
        during = writes
        await written(during + 3)  # and still going after it: the copy never blocked it
        stop.set()
        await writer
    finally:
        await database.dispose()
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output

    await world.check_restored(
        f"sqlite+aiosqlite:///{copy}", before, scans_at_least=before.scans + 3
    )
    again = await clitool.run_cli(url, "backup", str(copy))
    assert again.exit_code == 1 and "exists" in again.output  # never overwritten unasked
