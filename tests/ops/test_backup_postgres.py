"""A ``pg_dump -Fc`` of a live gimark database, restored with ``pg_restore`` into a fresh
database, serves the same verdicts and keeps a valid audit chain (issue 16, backup and
restore; the procedure is docs/operations.md's).

It runs in the PostgreSQL pass, on the suite's own server (two databases of its own, dropped
afterwards): cheaper in CI than an ``initdb`` of a throwaway cluster, and the client tools
match the server there."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import clitool
import pytest
import restored_world as world
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.db import is_sqlite

SERVER = os.environ.get("GIMARK_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not SERVER or is_sqlite(SERVER) or shutil.which("pg_dump") is None,
    reason="needs the PostgreSQL pass (GIMARK_TEST_DATABASE_URL) and pg_dump/pg_restore",
)


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def run(*command: str) -> None:
    await asyncio.to_thread(subprocess.run, command, check=True, timeout=120)


@pytest.fixture
async def two_databases() -> AsyncIterator[tuple[str, str]]:
    names = [f"gimark_backup_{os.getpid()}_{secrets.token_hex(3)}_{i}" for i in (1, 2)]
    admin = create_async_engine(SERVER, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        for name in names:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        urls = [
            make_url(SERVER).set(database=n).render_as_string(hide_password=False) for n in names
        ]
        yield urls[0], urls[1]
    finally:
        async with admin.connect() as connection:
            for name in names:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_a_restored_pg_dump_gives_the_same_verdicts_and_a_valid_chain(
    two_databases: tuple[str, str], tmp_path: Path
) -> None:
    source, fresh = two_databases
    database, codes = await world.build(source)
    try:
        before = await world.snapshot(database, world.settings_for(source), codes)
    finally:
        await database.dispose()
    assert {"genuine", "revoked", "unknown", "malformed"} <= set(before.verdicts.values())

    dump = tmp_path / "gimark.dump"
    await run("pg_dump", "-Fc", "--no-owner", "-f", str(dump), libpq(source))
    await run("pg_restore", "--no-owner", "--exit-on-error", "-d", libpq(fresh), str(dump))

    await world.check_restored(fresh, before, scans_at_least=before.scans)
    sqlite_only = await clitool.run_cli(source, "backup", str(tmp_path / "copy.db"))
    assert sqlite_only.exit_code == 1 and "pg_dump -Fc" in sqlite_only.output
