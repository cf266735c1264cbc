"""A PostgreSQL server of the test's own: ``initdb`` into a temporary folder as the
``postgres`` user, on a free loopback port, so a test may crash it (``pg_ctl stop -m
immediate``) without touching the suite's database. Binaries are Debian's
(``/usr/lib/postgresql/<version>/bin``); :data:`needs_postgres_binaries` skips a test where
they are missing."""

from __future__ import annotations

import contextlib
import glob
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from serving import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[4])
    except (IndexError, ValueError):
        return 0.0


BIN = _bin_dir()
needs_postgres_binaries = pytest.mark.skipif(
    BIN is None or shutil.which("runuser") is None,
    reason="PostgreSQL server binaries (/usr/lib/postgresql/*/bin) or runuser are missing",
)


@dataclass
class Postgres:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        assert BIN is not None
        command = [str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log")]
        _as_postgres(*command, *args)

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c max_connections=60"
        )
        self._pg_ctl("-w", "-t", "60", "-o", options, "start")

    def crash(self) -> None:
        """Stop without a checkpoint, as a power cut would: recovery replays the WAL."""
        self._pg_ctl("-m", "immediate", "stop")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def log(self) -> str:
        path = self.folder / "log"
        return path.read_text(errors="replace") if path.exists() else ""


def _as_postgres(*command: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *command],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    assert BIN is not None
    folder = Path(tempfile.mkdtemp(prefix="gimark-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    server = Postgres(folder, free_port())
    _as_postgres(
        str(BIN / "initdb"),
        "-D",
        str(server.data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-instructions",
    )
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
