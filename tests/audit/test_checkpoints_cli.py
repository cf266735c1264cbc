"""The operator's commands: publish today's checkpoint (cron), verify against a checkpoint."""

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from app.audit.chain import HASHED_FIELDS, event_hash
from app.cli import main
from app.core.config import get_settings

pytestmark = pytest.mark.dbless  # its own SQLite file, whatever the test database


@pytest.fixture
def cli(monkeypatch, tmp_path):
    monkeypatch.setenv("GIMARK_MODE", "development")
    monkeypatch.setenv("GIMARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GIMARK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    for name in ("chief", "deputy", "clerk"):  # each creation is an audit event
        acting = ["--as", "chief"] if name != "chief" else []  # the first admin needs nobody
        made = runner.invoke(
            main, ["user", "create", "--username", name, "--password", "pw" * 8, *acting]
        )
        assert made.exit_code == 0, made.output
    yield runner, tmp_path / "cli.db"
    get_settings.cache_clear()


def _attack(path, statements: list[str]) -> None:
    """Drop the guard, change rows, then re-hash the chain so it links again."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("DROP TRIGGER audit_event_no_delete")
        for statement in statements:
            db.execute(statement)
        db.row_factory = sqlite3.Row
        prev = "0" * 64
        for row in db.execute("SELECT * FROM audit_event ORDER BY seq").fetchall():
            fields = {name: row[name] for name in HASHED_FIELDS} | {"prev_hash": prev}
            for name in ("before", "after"):
                fields[name] = json.loads(fields[name]) if fields[name] else None
            fields["occurred_at"] = _as_utc(fields["occurred_at"])
            prev = event_hash(fields)
            db.execute(
                "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?",
                (fields["prev_hash"], prev, row["seq"]),
            )


def _as_utc(stored: str) -> datetime:
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)


def test_publish_checkpoint_once_a_day_then_verify_against_it(cli) -> None:
    runner, _ = cli
    published = runner.invoke(main, ["audit", "publish-checkpoint"])
    assert published.exit_code == 0, published.output
    held = json.loads(published.output)
    again = runner.invoke(main, ["audit", "publish-checkpoint"])
    assert again.exit_code == 0 and "already out" in again.output
    verified = runner.invoke(
        main, ["audit", "verify", "--checkpoint", f"{held['seq']}:{held['hash']}"]
    )
    assert verified.exit_code == 0 and f"checkpoint {held['seq']} holds" in verified.output


def test_verify_catches_a_truncated_tail(cli) -> None:
    runner, path = cli
    held = json.loads(runner.invoke(main, ["audit", "checkpoint"]).output)
    _attack(path, [f"DELETE FROM audit_event WHERE seq = {held['seq']}"])
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0  # blind without a checkpoint
    caught = runner.invoke(
        main, ["audit", "verify", "--checkpoint", f"{held['seq']}:{held['hash']}"]
    )
    assert caught.exit_code == 1 and "were removed" in caught.output


def test_verify_catches_a_rewritten_recomputed_chain(cli) -> None:
    runner, path = cli
    held = json.loads(runner.invoke(main, ["audit", "checkpoint"]).output)
    _attack(path, ["UPDATE audit_event SET reason = 'nothing to see' WHERE seq = 1"])
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0  # the forgery links up
    caught = runner.invoke(
        main, ["audit", "verify", "--checkpoint", f"{held['seq']}:{held['hash']}"]
    )
    assert caught.exit_code == 1 and "rewritten" in caught.output


def test_a_malformed_checkpoint_is_refused_clearly(cli) -> None:
    runner, _ = cli
    refused = runner.invoke(main, ["audit", "verify", "--checkpoint", "yesterday"])
    assert refused.exit_code == 2 and "SEQ:HASH" in refused.output
    assert "Traceback" not in refused.output
