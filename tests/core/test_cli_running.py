"""Running the service: choosing host and port, the public URL that follows them, and a
PostgreSQL database that does not exist yet (created, or one clear line — never a traceback)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.cli import main
from app.core.config import Settings, get_settings
from app.label.urls import verification_url

pytestmark = pytest.mark.dbless
ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("GIMARK_TEST_POSTGRES_URL") or (
    "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def postgres_reachable() -> bool:
    url = make_url(POSTGRES)
    try:
        socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=0.5).close()
    except OSError:
        return False
    return True


needs_postgres = pytest.mark.skipif(not postgres_reachable(), reason="no PostgreSQL server")


@pytest.fixture
def cli(monkeypatch, tmp_path):
    for name in ("GIMARK_PUBLIC_BASE_URL", "GIMARK_SERVE_HOST", "GIMARK_SERVE_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIMARK_MODE", "development")
    monkeypatch.setenv("GIMARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GIMARK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)  # no stray .env
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_public_urls_and_qr_content_follow_the_serve_port(cli, monkeypatch) -> None:
    monkeypatch.setenv("GIMARK_SERVE_PORT", "9123")
    get_settings.cache_clear()
    assert cli.invoke(main, ["db", "upgrade"]).exit_code == 0
    loaded = cli.invoke(main, ["demo", "load"])
    assert "http://127.0.0.1:9123/docs" in loaded.output and ":8000" not in loaded.output
    assert "http://127.0.0.1:9123/v/" in loaded.output
    qr = verification_url(get_settings().public_base_url, "K3F9ABCDEFGHJKMNPQRS")
    assert qr == "HTTP://127.0.0.1:9123/V/K3F9ABCDEFGHJKMNPQRS"
    # An explicit public URL wins (a proxy in front, a real host name).
    monkeypatch.setenv("GIMARK_PUBLIC_BASE_URL", "https://gi.example.cn/")
    assert Settings().public_base_url == "https://gi.example.cn"
    monkeypatch.delenv("GIMARK_PUBLIC_BASE_URL")
    assert Settings(serve_host="0.0.0.0", serve_port=80).public_base_url == "http://127.0.0.1:80"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_listens_where_asked_and_says_so(tmp_path, how) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIMARK_")}
    env |= {"GIMARK_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    args = ["serve", "--port", str(port)] if how == "option" else ["serve"]
    if how == "environment":
        env["PORT"] = str(port)
    command = [sys.executable, "-c", "from app.cli import main; main()", *args]
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.strip() == (
            f"serving on http://127.0.0.1:{port} (public URLs: http://127.0.0.1:{port})"
        )
        for _ in range(200):
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    raise AssertionError("gimark serve exited") from None
                subprocess.run(["sleep", "0.1"], check=True)
        assert home.status_code == 200 and 'action="/check"' in home.text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_scripts_run_takes_host_and_port_and_refuses_the_rest() -> None:
    shown = subprocess.run([ROOT / "scripts/run", "--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and "--port N" in shown.stdout and "PORT=N" in shown.stdout
    wrong = subprocess.run([ROOT / "scripts/run", "--prot", "9"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown argument '--prot'" in wrong.stderr


async def _admin(sql: str) -> None:
    engine = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


@needs_postgres
async def test_db_upgrade_creates_a_missing_postgres_database(cli, monkeypatch) -> None:
    name = f"gimark_cli_{secrets.token_hex(4)}"
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("GIMARK_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        upgraded = await _in_thread(cli, ["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert f"created database '{name}'" in upgraded.output and "schema at" in upgraded.output
        again = await _in_thread(cli, ["db", "upgrade"])
        assert again.exit_code == 0 and "created" not in again.output
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@needs_postgres
async def test_a_database_that_cannot_be_created_is_one_clear_line(cli, monkeypatch) -> None:
    role, name = f"gimark_nocreate_{secrets.token_hex(4)}", f"gimark_cli_{secrets.token_hex(4)}"
    await _admin(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    url = make_url(POSTGRES).set(username=role, password=None, database=name)
    monkeypatch.setenv("GIMARK_DATABASE_URL", url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        refused = await _in_thread(cli, ["db", "upgrade"])
    finally:
        await _admin(f'DROP ROLE IF EXISTS "{role}"')
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and f"database '{name}' does not exist" in lines[0]
    assert f"createdb -h {url.host}" in lines[0] and name in lines[0]


async def test_an_unreachable_database_server_is_one_clear_line(cli, monkeypatch) -> None:
    monkeypatch.setenv("GIMARK_DATABASE_URL", "postgresql+asyncpg://gimark:s3cret@127.0.0.1:9/x")
    get_settings.cache_clear()
    failed = await _in_thread(cli, ["db", "upgrade"])
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert len(failed.output.strip().splitlines()) == 1 and "s3cret" not in failed.output
    assert "127.0.0.1:9" in failed.output


async def _in_thread(cli: CliRunner, args: list[str]):  # type: ignore[no-untyped-def]
    """The CLI runs its own event loop (asyncio.run): call it off this test's loop."""
    import asyncio

    return await asyncio.to_thread(cli.invoke, main, args)
