"""``gimark jobs``: queue a job, run the worker once, read the outcome."""

import json

import pytest
from click.testing import CliRunner

from app.cli import main
from app.core.config import get_settings


@pytest.fixture
def cli(monkeypatch, tmp_path):
    monkeypatch.setenv("GIMARK_MODE", "development")
    monkeypatch.setenv("GIMARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GIMARK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.dbless  # its own SQLite file, not the test database
def test_enqueue_run_list_and_show(cli) -> None:
    assert cli.invoke(main, ["db", "upgrade"]).exit_code == 0
    queued = cli.invoke(main, ["jobs", "enqueue", "scans.purge_salts"])
    assert queued.exit_code == 0 and queued.output.startswith("queued job ")
    job_id = queued.output.split()[-1]

    ran = cli.invoke(main, ["jobs", "worker", "--once", "--no-scheduler"])
    assert ran.exit_code == 0, ran.output
    listed = cli.invoke(main, ["jobs", "list"])
    assert f"{job_id}\tscans.purge_salts\tsucceeded" in listed.output
    shown = json.loads(cli.invoke(main, ["jobs", "show", job_id]).output)
    assert (shown["status"], shown["result"], shown["attempts"]) == (
        "succeeded",
        {"destroyed": []},
        1,
    )

    refused = cli.invoke(main, ["jobs", "enqueue", "no.such.kind"])
    assert refused.exit_code == 1 and "no job kind" in refused.output
    assert "not_found" in cli.invoke(main, ["jobs", "show", "999"]).output


@pytest.mark.dbless
def test_the_worker_enqueues_each_daily_job_once(cli) -> None:
    assert cli.invoke(main, ["db", "upgrade"]).exit_code == 0
    for _ in range(2):
        assert cli.invoke(main, ["jobs", "worker", "--once"]).exit_code == 0
    listed = cli.invoke(main, ["jobs", "list"]).output
    for kind in ("scans.rollup", "scans.purge_salts", "audit.checkpoint"):
        assert listed.count(f"\t{kind}\t") == 1
