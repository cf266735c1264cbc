"""Throwaway PostgreSQL servers for the operations tests: a primary made with ``initdb`` and a
streaming replica made with ``pg_basebackup``, in temporary folders on loopback ports, run as
the ``postgres`` user (``runuser``) when the tests run as root. Never the suite's database."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path


def binaries() -> Path | None:
    """The newest installed server's bin folder (Debian layout), or one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    bin: Path
    data: Path
    port: int
    as_postgres: bool

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def configure(self, **settings: str) -> None:
        lines = "".join(f"{name} = {value}\n" for name, value in settings.items())
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(lines)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def log(self) -> str:
        path = self.data / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


COMMON = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",  # throwaway data: speed over durability
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "50",
}


def _as_postgres() -> bool:
    return os.geteuid() == 0


@contextmanager
def _stopped_at_exit(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        with suppress(subprocess.CalledProcessError):  # already stopped by the test
            server.stop("immediate")


@contextmanager
def primary() -> Iterator[Server]:
    """A running primary that streams WAL to replicas; stopped and removed afterwards."""
    bin_dir = binaries()
    assert bin_dir is not None, "no PostgreSQL server binaries"
    root = Path(tempfile.mkdtemp(prefix="gimark-pg-"))
    try:
        if _as_postgres():
            shutil.chown(root, "postgres", "postgres")
        server = Server(bin_dir, root / "primary", free_port(), _as_postgres())
        server.run("initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        server.configure(
            **COMMON, port=str(server.port), unix_socket_directories=f"'{root}'",
            wal_level="replica", max_wal_senders="4",
        )  # fmt: skip
        with (server.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        server.start()
        with _stopped_at_exit(server):
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def replica_of(source: Server, **settings: str) -> Iterator[Server]:
    """A hot-standby streaming replica of ``source``, as of now (``pg_basebackup -R``)."""
    server = Server(source.bin, source.data.parent / "replica", free_port(), source.as_postgres)
    server.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(source.port), "-U", "postgres",
               "-D", str(server.data), "-R", "-X", "stream", "--no-sync",
               "--checkpoint=fast")  # fmt: skip
    server.configure(
        port=str(server.port),
        unix_socket_directories=f"'{source.data.parent}'",
        hot_standby="on",
        **settings,
    )
    server.start()
    with _stopped_at_exit(server):
        yield server
