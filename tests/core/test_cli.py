"""The operator's path: migrate, load demo data, create a user, verify the ledger."""

import json

import pytest
from click.testing import CliRunner

from app.cli import main
from app.core.config import get_settings


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GIMARK_MODE", "development")
    monkeypatch.setenv("GIMARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GIMARK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_fresh_install_flow(cli_env) -> None:
    run = cli_env.invoke
    assert "schema at" in run(main, ["db", "upgrade"]).output
    loaded = run(main, ["demo", "load"])
    assert loaded.exit_code == 0 and "demo data loaded" in loaded.output
    assert "'regulator'" in loaded.output and "demo-regulator-pass" in loaded.output
    assert "already present" in run(main, ["demo", "load"]).output

    created = run(
        main,
        ["user", "create", "--username", "chief", "--password", "a long password", "--as", "admin"],
    )
    assert created.exit_code == 0 and "created admin 'chief'" in created.output
    refused = run(
        main, ["user", "create", "--username", "x", "--password", "short", "--as", "admin"]
    )
    assert (
        refused.exit_code == 1
        and "password" in refused.output
        and "Traceback" not in refused.output
    )

    verified = run(main, ["audit", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("ok:")
    head = json.loads(run(main, ["audit", "checkpoint"]).output)
    assert head["seq"] > 0 and len(head["hash"]) == 64


def test_every_command_explains_itself(cli_env) -> None:
    for command in (
        ["--help"],
        ["serve", "--help"],
        ["db", "upgrade", "--help"],
        ["audit", "verify", "--help"],
    ):
        result = cli_env.invoke(main, command)
        assert result.exit_code == 0 and "Usage:" in result.output
