"""gimark as an operator runs it, for the tests that need a real process: uvicorn started as a
subprocess on a database of the test's own, seeded through the real migrations, and a small
load generator that records every answer (and every failure to get one)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import factories
import httpx

from app.core import migrate
from app.core.db import Database, create_engine
from app.core.time import public_today
from app.label.code import LabelCodec

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"1": "ab" * 32}
METRICS_TOKEN = "ops-test-metrics-token-0123456789abcdef"


async def seed(url: str, labels: int = 3) -> list[str]:
    """Migrate the database at ``url`` and issue ``labels`` genuine labels; their codes."""
    database = Database(create_engine(url))
    try:
        await migrate.upgrade(database.engine)
        codec = LabelCodec({k: bytes.fromhex(v) for k, v in KEYS.items()}, "1")
        async with database.sessionmaker() as session, session.begin():
            product = await factories.product(session)
            company = await factories.enterprise(session)
            licence = await factories.licence(session, company.id, product.id)
            batch = await factories.batch(
                session, licence, production_date=public_today() - timedelta(days=3)
            )
            rows = await factories.labels(session, batch, codec.mint_many(labels))
            return [row.code for row in rows]
    finally:
        await database.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "GIMARK_MODE": "test",
        "GIMARK_DATABASE_URL": url,
        "GIMARK_DATA_DIR": str(data_dir),
        "GIMARK_JWT_SECRET": "o" * 48,
        "GIMARK_LABEL_KEYS": json.dumps(KEYS),
        "GIMARK_LABEL_CURRENT_KEY_ID": "1",
        "GIMARK_SCAN_WRITE_MODE": "batched",
        "GIMARK_RATE_LIMIT_CHECKS_PER_MINUTE": "100000000",
        "GIMARK_RATE_LIMIT_REPORTS_PER_HOUR": "100000000",
        "GIMARK_RATE_LIMIT_REPORTS_PER_CODE_PER_HOUR": "100000000",
        "GIMARK_LOG_REQUESTS": "false",
        "GIMARK_METRICS_TOKEN": METRICS_TOKEN,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(extra)
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, as an orchestrator stops a container, and wait for the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def uvicorn_server(env: dict[str, str], folder: Path, workers: int = 1) -> Iterator[Server]:
    port = free_port()
    log = folder / f"uvicorn-{port}.log"
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(server: Server, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gimark exited at start:\n{server.output()}")
        try:
            if httpx.get(server.base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gimark did not answer within {seconds} s:\n{server.output()}")


@dataclass
class Answer:
    kind: str
    started: float  # monotonic
    ended: float
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    body: dict | None = None
    error: str | None = None


@dataclass
class Load:
    """Clients that repeat one kind of request until told to stop, recording each answer."""

    answers: list[Answer] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def repeat(self, client: httpx.AsyncClient, kind: str, request) -> None:  # type: ignore[no-untyped-def]
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                response = await request(client)
            except httpx.HTTPError as error:
                self.answers.append(
                    Answer(kind, started, time.monotonic(), None, None, repr(error))
                )
                await asyncio.sleep(0.01)
                continue
            body = response.json() if "json" in response.headers.get("content-type", "") else None
            self.answers.append(Answer(kind, started, time.monotonic(), response.status_code, body))

    def of(self, kind: str) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind]
