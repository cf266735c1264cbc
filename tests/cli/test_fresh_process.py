"""The ``gimark`` command in a process of its own, as an operator runs it: nothing imported by
the test suite is there to complete the metadata or wire the domains together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clitool import cli_env

pytestmark = pytest.mark.dbless  # its own SQLite file, once per run

GIMARK = [sys.executable, "-c", "from app.cli import main; main()"]


def gimark(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | cli_env(database_url)
    return subprocess.run([*GIMARK, *args], env=env, capture_output=True, text=True, timeout=300)


def test_a_fresh_process_migrates_and_loads_the_demo(tmp_path: Path) -> None:
    """The demo's failed inspection suspends a batch: the measure's row has a key to a
    consumer report, a table of a domain the label code never imports."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    upgraded = gimark(url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    loaded = gimark(url, "demo", "load")
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert "admin" in loaded.stdout
