"""The public check's tail under mixed load (issue 16, point 2).

    python benchmarks/bench_mixed.py [--labels 1000000] [--issue 1000000] [--print 100000]
    python benchmarks/bench_mixed.py --quick      # smaller sizes, prints only

gimark runs as it is deployed on one machine: one uvicorn worker (uvloop, httptools), the job
worker inside the app (``gimark serve``'s default), rate limiter and metrics on with high
limits, PostgreSQL. In the same run:

1. the idle maximum of ``/api/v1/verify/{code}`` (wrk -t1 -c32, as ``bench_verify.py``);
2. verify alone at a FIXED rate of 60 % of that maximum;
3. each heavy job alone: a batch of ``--issue`` labels issued (``POST …/issue``: at 100,000
   labels or more the job worker issues it, 202, and its job is polled until done), a PDF
   print file of ``--print`` labels built through the print-file job (``POST …/print-files``,
   poll ``/jobs/{id}``, download), the statistics page (``/console/statistics``) fetched;
4. verify at the same fixed rate while all three run at once (the page refreshed every second).

The verify load is open-loop, like wrk2: request *i* is due at ``start + i / rate`` whatever
happened to the ones before, and its latency is counted from when it was due, not from when a
connection was free to send it. A slow server therefore shows as latency, never as fewer
requests sent; the report gives the rate offered and the rate achieved side by side. The
client is its own process (this script with ``--pace``) on plain asyncio streams, so its own
timing is not disturbed by the heavy jobs' HTTP clients.

Targets: verify p99 under load ≤ 2× alone, 0 failed requests, each heavy job ≤ 2× its solo time.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from bench_issuance import SEED
from bench_verify import (
    KEYS,
    PORT,
    _admin,
    _started,
    codes_script,
    server_env,
    settle,
    uvicorn_command,
    wrk,
)
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.auth.passwords import hash_password
from app.core import migrate
from app.core.db import create_engine
from app.label.code import LabelCodec

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password 1"
METRICS_TOKEN = "m" * 32
SHARE = 0.6  # of the idle maximum
TIMEOUT = 10.0  # a verify answer later than this counts as failed


def database_name(labels: int) -> str:
    return f"gimark_bench_mixed_{labels}"


def url_of(server: str, labels: int) -> str:
    name = database_name(labels)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


# --- the paced verify client (its own process) -------------------------------------------


class _Connection(asyncio.Protocol):
    """One keep-alive connection, one request at a time; protocol callbacks rather than
    streams and per-request tasks, so that the client's own CPU (it shares the 2 cores with
    the server) stays small."""

    def __init__(self, client: _Pacer) -> None:
        self.client = client
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.due_at: float | None = None  # the request in flight: when it was due

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        self.client.ready(self)

    def send(self, index: int, due_at: float) -> None:
        assert self.transport is not None
        self.due_at = due_at
        self.transport.write(self.client.requests[index % len(self.client.requests)])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end]).lower()
        at = head.find(b"content-length:")
        if at < 0:
            self.client.failed(self, "no content-length")
            return
        length = int(head[at + 15 : head.find(b"\r\n", at) if b"\r\n" in head[at:] else None])
        if len(self.buffer) < end + 4 + length:
            return
        status = int(head[9:12])
        del self.buffer[: end + 4 + length]
        self.client.answered(self, status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.lost(self)


class _Pacer:
    def __init__(self, port: int, codes: list[str], rate: float, connections: int) -> None:
        self.port, self.rate, self.connections = port, rate, connections
        self.requests = [
            f"GET /api/v1/verify/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "User-Agent: bench-mixed\r\n\r\n".encode()
            for code in codes
        ]
        self.loop = asyncio.get_running_loop()
        self.due: collections.deque[tuple[int, float]] = collections.deque()
        self.idle: list[_Connection] = []
        self.busy: set[_Connection] = set()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.most_queued = 0

    def open(self) -> None:
        task = self.loop.create_task(
            self.loop.create_connection(lambda: _Connection(self), "127.0.0.1", self.port)
        )
        task.add_done_callback(self._opened)

    def _opened(self, task: asyncio.Task[Any]) -> None:
        if task.exception() is not None:
            self.failures.append(type(task.exception()).__name__)
            self.loop.call_later(0.1, self.open)

    def ready(self, connection: _Connection) -> None:
        self.idle.append(connection)
        self.dispatch()

    def dispatch(self) -> None:
        while self.due and self.idle:
            connection = self.idle.pop()
            self.busy.add(connection)
            connection.send(*self.due.popleft())

    def answered(self, connection: _Connection, status: int) -> None:
        assert connection.due_at is not None
        if status == 200:
            self.latencies.append(self.loop.time() - connection.due_at)
        else:
            self.failures.append(f"HTTP {status}")
        connection.due_at = None
        self.busy.discard(connection)
        self.ready(connection)

    def failed(self, connection: _Connection, why: str) -> None:
        if connection.due_at is not None:
            self.failures.append(why)
            connection.due_at = None
        self.busy.discard(connection)
        if connection.transport is not None:
            connection.transport.abort()

    def lost(self, connection: _Connection) -> None:
        if connection.due_at is not None:
            self.failures.append("connection lost")
            connection.due_at = None
        self.busy.discard(connection)
        if connection in self.idle:
            self.idle.remove(connection)
        self.open()

    def expire(self) -> None:
        """Requests unanswered after ``TIMEOUT`` fail (and their connection is dropped)."""
        now = self.loop.time()
        for connection in list(self.busy):
            if connection.due_at is not None and now - connection.due_at > TIMEOUT:
                self.failed(connection, "timeout")


async def pace(port: int, codes: list[str], rate: float, seconds: float, connections: int) -> None:
    """Requests due at a fixed rate for ``seconds`` or until SIGTERM, whichever is first;
    one JSON line of results on stdout."""
    loop = asyncio.get_running_loop()
    stopping = [False]
    loop.add_signal_handler(signal.SIGTERM, lambda: stopping.__setitem__(0, True))
    client = _Pacer(port, codes, rate, connections)
    for _ in range(connections):
        client.open()
    await asyncio.sleep(0.2)  # connections open before the clock starts
    start = loop.time()
    sent, checked = 0, start
    while not stopping[0] and loop.time() - start < seconds:
        now = loop.time()
        while start + sent / rate <= now:  # everything due by now, whatever is still queued
            client.due.append((sent, start + sent / rate))
            sent += 1
        client.most_queued = max(client.most_queued, len(client.due))
        client.dispatch()
        if now - checked > 0.5:
            client.expire()
            checked = now
        await asyncio.sleep(max(0.0005, start + sent / rate - loop.time()))
    offered_for = loop.time() - start
    while (client.due or client.busy) and loop.time() - start < offered_for + 2 * TIMEOUT:
        client.expire()
        await asyncio.sleep(0.05)
    answered_for = loop.time() - start
    unsent = len(client.due)
    print(
        json.dumps(
            {
                "sent": sent,
                "offered_for": offered_for,
                "answered_for": answered_for,
                "latencies": client.latencies,
                "failures": client.failures + ["never sent"] * unsent,
                "most_queued": client.most_queued,
            }
        )
    )


@dataclass
class Paced:
    """One paced verify run's outcome."""

    target_rate: float
    sent: int
    offered_for: float
    answered_for: float
    latencies_ms: list[float]
    failures: list[str]
    most_queued: int

    @property
    def offered(self) -> float:
        return self.sent / self.offered_for

    @property
    def achieved(self) -> float:
        return len(self.latencies_ms) / self.answered_for

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


class PacedRun:
    """The paced client as a child process, stopped by closing its stdin (or its time out)."""

    def __init__(self, port: int, codes_file: Path, rate: float, seconds: float) -> None:
        self.rate = rate
        self.command = [
            sys.executable,
            __file__,
            "--pace",
            str(port),
            str(codes_file),
            str(rate),
            str(seconds),
        ]
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.command, stdout=subprocess.PIPE, stdin=subprocess.PIPE
        )

    async def finish(self, stop: bool = True) -> Paced:
        assert self.process is not None
        if stop:
            self.process.send_signal(signal.SIGTERM)
        out, _ = await self.process.communicate()
        raw = json.loads(out.decode().strip().splitlines()[-1])
        return Paced(
            target_rate=self.rate,
            sent=raw["sent"],
            offered_for=raw["offered_for"],
            answered_for=raw["answered_for"],
            latencies_ms=[1000 * s for s in raw["latencies"]],
            failures=raw["failures"],
            most_queued=raw["most_queued"],
        )


# --- the database --------------------------------------------------------------------------


async def prepare(server: str, labels: int, reuse: bool) -> None:
    """``labels`` issued labels in batch 1 (verified and printed from), a regulator."""
    name = database_name(labels)
    if reuse:
        (found,) = await _admin(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if found:
            engine = create_engine(url_of(server, labels))
            await migrate.upgrade(engine)
            async with engine.begin() as connection:
                await connection.execute(text("DELETE FROM label WHERE batch_id > 2"))
                await connection.execute(text("DELETE FROM label_batch WHERE id > 2"))
                await connection.execute(text("TRUNCATE scan, label_scan_stat, job"))
            await settle(engine)
            await engine.dispose()
            print(f"reusing database {name}")
            return
    await _admin(
        server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    engine = create_engine(url_of(server, labels))
    await migrate.upgrade(engine)
    codec = LabelCodec({k: bytes.fromhex(v) for k, v in KEYS.items()}, "1")
    async with engine.begin() as connection:
        for statement in SEED:
            await connection.execute(text(statement), {"quantity": labels})
        await connection.execute(text("UPDATE label_batch SET status = 'issued' WHERE id = 1"))
        await connection.execute(
            text(
                "INSERT INTO app_user (username, display_name, password_hash, role, enterprise_id,"
                " is_active, must_change_password, created_at, updated_at) VALUES"
                " ('regulator', '监管员', :h, 'regulator', NULL, true, false, now(), now())"
            ),
            {"h": hash_password(PASSWORD)},
        )
        raw = (await connection.get_raw_connection()).driver_connection
        for first in range(0, labels, 100_000):
            codes = codec.mint_many(min(100_000, labels - first))
            rows = [(c, 1, first + i + 1, "active") for i, c in enumerate(codes)]
            await raw.copy_records_to_table(  # type: ignore[union-attr]
                "label", records=rows, columns=["code", "batch_id", "serial", "status"]
            )
    await settle(engine)
    await engine.dispose()


async def sample_codes(server: str, labels: int, count: int) -> list[str]:
    """``count`` codes of batch 1, drawn uniformly."""
    engine = create_engine(url_of(server, labels))
    try:
        async with engine.connect() as connection:
            percent = min(100.0, 100.0 * count * 1.2 / labels)
            query = f"SELECT code FROM label TABLESAMPLE BERNOULLI ({percent}) WHERE batch_id = 1"
            codes = list((await connection.execute(text(query))).scalars())
    finally:
        await engine.dispose()
    random.shuffle(codes)
    return codes[:count]


async def approved_batch(server: str, labels: int, quantity: int) -> int:
    """A new approved batch of ``quantity`` labels to issue."""
    engine = create_engine(url_of(server, labels))
    try:
        async with engine.begin() as connection:
            found = await connection.execute(
                text(
                    "INSERT INTO label_batch (licence_id, enterprise_id, product_id, lot_number,"
                    " quantity, unit, production_date, origin, season, status, created_at,"
                    " updated_at) VALUES (1, 1, 1, 'MIX-' || (SELECT count(*) FROM label_batch),"
                    " :q, '袋', now(), '五原县', 2026, 'approved', now(), now()) RETURNING id"
                ),
                {"q": quantity},
            )
            return int(found.scalar_one())
    finally:
        await engine.dispose()


# --- the heavy jobs, over HTTP -------------------------------------------------------------


def base() -> str:
    return f"http://127.0.0.1:{PORT}"


async def api_client() -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base(), timeout=600.0)
    await _sign_in(client)
    return client


async def _sign_in(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/v1/auth/token", data={"username": "regulator", "password": PASSWORD}
    )
    answer.raise_for_status()
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"


async def _job(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """A job's state; signed in again if the access token ran out meanwhile (a heavy job on
    a loaded machine can outlast it)."""
    answer = await client.get(url)
    if answer.status_code == 401:
        await _sign_in(client)
        answer = await client.get(url)
    job: dict[str, Any] = answer.json()
    return job


async def console_client() -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base(), timeout=600.0)
    form = await client.get("/console/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"username": "regulator", "password": PASSWORD, "csrf_token": token}
    answer = await client.post("/console/login", data=data)
    assert answer.status_code == 303, answer.text[:500]
    return client


async def issue(client: httpx.AsyncClient, batch_id: int) -> float:
    """Issue the batch; a large one is issued by the job worker (202): its job is followed
    until it has succeeded, so the time is the issuance's, whichever way it ran."""
    started = time.perf_counter()
    answer = await client.post(f"/api/v1/batches/{batch_id}/issue")
    assert answer.status_code in (200, 202), answer.text[:500]
    if answer.status_code == 202:
        job_url = answer.headers["location"]
        while True:
            await asyncio.sleep(0.5)
            job = await _job(client, job_url)
            if job["status"] == "succeeded":
                break
            assert job["status"] in ("queued", "running"), job
    return time.perf_counter() - started


async def print_file(client: httpx.AsyncClient, labels: int) -> float:
    """Ask for a PDF of serials 1..labels of batch 1, follow its job, download the file."""
    started = time.perf_counter()
    body = {"format": "pdf", "from_serial": 1, "to_serial": labels}
    answer = await client.post("/api/v1/batches/1/print-files", json=body)
    assert answer.status_code == 202, answer.text[:500]
    job_id = answer.json()["id"]
    while True:
        await asyncio.sleep(0.5)
        job = await _job(client, f"/api/v1/jobs/{job_id}")
        if job["status"] == "succeeded":
            break
        assert job["status"] in ("queued", "running"), job
    size = 0
    await _sign_in(client)
    async with client.stream("GET", f"/api/v1/print-files/{job_id}") as download:
        assert download.status_code == 200
        async for chunk in download.aiter_bytes():
            size += len(chunk)
    assert size > 0
    return time.perf_counter() - started


STATS_PAGE = "/console/statistics"


async def stats_page(client: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    answer = await client.get(STATS_PAGE)
    assert answer.status_code == 200, answer.text[:300]
    return time.perf_counter() - started


@dataclass
class Refresher:
    """The statistics page fetched every second (a new fetch is not started before the last
    one answered, as a browser's refresh would not)."""

    client: httpx.AsyncClient
    times: list[float] = field(default_factory=list)
    failures: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            tick = time.perf_counter()
            try:
                self.times.append(await stats_page(self.client))
            except (AssertionError, httpx.HTTPError):
                self.failures += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, 1.0 - (time.perf_counter() - tick)))


# --- the run -------------------------------------------------------------------------------


def start_app(server: str, labels: int, log: Path, jobs: str) -> subprocess.Popen[bytes]:
    env = server_env(server, labels) | {
        "GIMARK_DATABASE_URL": url_of(server, labels),
        "GIMARK_JOBS_IN_APP": "true",
        "GIMARK_JOBS_PROCESS": "true" if jobs == "process" else "false",
        "GIMARK_JOBS_SCHEDULER": "false",  # no periodic job lands in the middle of a phase
        "GIMARK_JOBS_IDLE_SECONDS": "0.5",
        "GIMARK_METRICS_TOKEN": METRICS_TOKEN,
        "GIMARK_PRINT_BACKGROUND_THRESHOLD": "1000",  # the quick run's file goes through a job too
        "GIMARK_PUBLIC_BASE_URL": base(),
        "GIMARK_PRINT_FILES_DIR": str(log.parent / "print-files"),
    }
    command = uvicorn_command("app.asgi:app", PORT, 1)
    return _started(command, env, Path(__file__).resolve().parents[1], log, 300.0, PORT, "/readyz")


@dataclass
class Outcome:
    idle_max: float = 0.0
    alone: Paced | None = None
    loaded: Paced | None = None
    issue_solo: float = 0.0
    issue_loaded: float = 0.0
    print_solo: float = 0.0
    print_loaded: float = 0.0
    stats_solo: list[float] = field(default_factory=list)
    stats_loaded: list[float] = field(default_factory=list)
    stats_failures: int = 0
    loads: list[float] = field(default_factory=list)


async def run(args: argparse.Namespace, folder: Path) -> Outcome:
    out = Outcome()
    codes = await sample_codes(args.url, args.labels, min(args.labels, 50_000))
    codes_file = folder / "codes.txt"
    codes_file.write_text("\n".join(codes))
    script = codes_script(codes, folder)
    print("idle maximum (wrk -t1 -c32) …")
    wrk(script, 2, True)
    out.idle_max = max(wrk(script, args.wrk_seconds, True)["rate"] for _ in range(2))
    rate = SHARE * out.idle_max
    print(f"  {out.idle_max:,.0f} req/s; pacing verify at {rate:,.0f} req/s")
    out.loads.append(os.getloadavg()[0])

    alone = PacedRun(PORT, codes_file, rate, args.alone_seconds)
    await alone.start()
    out.alone = await alone.finish(stop=False)
    _say("verify alone", out.alone)

    api, console = await api_client(), await console_client()
    try:
        print("heavy jobs alone …")
        out.stats_solo = [await stats_page(console) for _ in range(args.stats_solo)]
        batch = await approved_batch(args.url, args.labels, args.issue)
        out.issue_solo = await issue(api, batch)
        print(f"  issue {args.issue:,}: {out.issue_solo:.1f} s")
        out.print_solo = await print_file(api, args.print)
        print(f"  PDF of {args.print:,}: {out.print_solo:.1f} s")
        med = sorted(out.stats_solo)[len(out.stats_solo) // 2]
        print(f"  statistics page: median {1000 * med:.0f} ms")
        out.loads.append(os.getloadavg()[0])

        print("verify under mixed load …")
        batch = await approved_batch(args.url, args.labels, args.issue)
        api = await _fresh(api)
        loaded = PacedRun(PORT, codes_file, rate, 3600.0)
        await loaded.start()
        await asyncio.sleep(1.0)
        stop = asyncio.Event()
        refresher = Refresher(console)
        refreshing = asyncio.create_task(refresher.run(stop))
        issuing = asyncio.create_task(issue(api, batch))
        printing = asyncio.create_task(print_file(api, args.print))
        out.issue_loaded, out.print_loaded = await asyncio.gather(issuing, printing)
        stop.set()
        await refreshing
        out.loaded = await loaded.finish()
        out.stats_loaded, out.stats_failures = refresher.times, refresher.failures
        out.loads.append(os.getloadavg()[0])
        _say("verify under load", out.loaded)
        print(f"  issue: {out.issue_loaded:.1f} s; PDF: {out.print_loaded:.1f} s")
    finally:
        await api.aclose()
        await console.aclose()
    return out


async def _fresh(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """A new access token: the solo phase may have outlasted the first one."""
    await client.aclose()
    return await api_client()


def _say(name: str, paced: Paced) -> None:
    print(
        f"  {name}: offered {paced.offered:,.0f} req/s, achieved {paced.achieved:,.0f} req/s,"
        f" p50 {paced.percentile(0.5):.1f} ms, p99 {paced.percentile(0.99):.1f} ms,"
        f" failures {len(paced.failures)}"
    )


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else math.nan


def report(args: argparse.Namespace, out: Outcome) -> None:
    assert out.alone is not None and out.loaded is not None
    alone, loaded = out.alone, out.loaded
    p99_ratio = loaded.percentile(0.99) / alone.percentile(0.99)
    issue_ratio = out.issue_loaded / out.issue_solo
    print_ratio = out.print_loaded / out.print_solo
    failed = len(alone.failures) + len(loaded.failures) + out.stats_failures
    kinds = sorted({*alone.failures, *loaded.failures})
    verdict = (
        f"verify p99 under load / alone = {p99_ratio:.1f}× (≤ 2×), failures {failed} (0), "
        f"issuance {issue_ratio:.1f}× (≤ 2×), PDF {print_ratio:.1f}× (≤ 2×)"
    )
    print(verdict)
    if args.no_write:
        return
    ok = {True: "yes", False: "**no**"}
    rows = "\n".join(
        f"| {name} | {p.target_rate:,.0f} | {p.offered:,.0f} | {p.achieved:,.0f} | {p.sent:,} "
        f"| {p.percentile(0.5):.1f} | {p.percentile(0.99):.1f} | {p.percentile(0.999):.1f} "
        f"| {len(p.failures)} |"
        for name, p in (("alone", alone), ("with the heavy jobs", loaded))
    )
    deployment = (
        "the app's job worker in its own child process (`gimark serve`'s default)"
        if args.jobs == "process"
        else "the app's job worker as a task of the serving event loop (`GIMARK_JOBS_PROCESS=false`)"
    )
    from results import write_section

    write_section(
        "Verify under mixed load",
        f"""
`python benchmarks/bench_mixed.py`: gimark with one uvicorn worker (uvloop, httptools, no
access log), {deployment}, rate limiter and metrics on (limits set high), PostgreSQL
{args.url.rsplit("@", 1)[-1]} with {args.labels:,} labels. The idle maximum of
`/api/v1/verify/{{code}}` is measured first (wrk -t1 -c32, best of two {args.wrk_seconds} s
runs): **{out.idle_max:,.0f} req/s**. Verify is then driven at a fixed
{SHARE:.0%} of it by an open-loop client (its own process, 64 connections): request *i* is
due at start + *i* / rate and its latency runs from when it was due, so a slow server shows as
latency, not as fewer requests (offered and achieved rates below). First alone for
{args.alone_seconds:.0f} s, then while at the same time a batch of {args.issue:,} labels is
issued (`POST /api/v1/batches/{{id}}/issue`: 202, issued by the job worker, job polled), a
PDF print file of {args.print:,} labels is
built through the print-file job (`POST …/print-files`, job polled, file downloaded) and the
statistics page (`/console/statistics`, signed in as a regulator) is fetched every second,
until both jobs are done. Load average (1 min) at the start, after the solo phase and at the
end: {", ".join(f"{x:.1f}" for x in out.loads)} on {os.cpu_count()} cores (a shared machine:
other sessions' tests ran meanwhile).

| verify | target req/s | offered req/s | achieved req/s | requests | p50 ms | p99 ms | p99.9 ms | failed |
|---|---|---|---|---|---|---|---|---|
{rows}

| heavy job | alone | under mixed load | ratio | ≤ 2× |
|---|---|---|---|---|
| issue {args.issue:,} labels | {out.issue_solo:.1f} s | {out.issue_loaded:.1f} s | {issue_ratio:.1f}× | {ok[issue_ratio <= 2]} |
| PDF of {args.print:,} labels (job + download) | {out.print_solo:.1f} s | {out.print_loaded:.1f} s | {print_ratio:.1f}× | {ok[print_ratio <= 2]} |
| statistics page, median of fetches | {1000 * _median(out.stats_solo):.0f} ms | {1000 * _median(out.stats_loaded):.0f} ms ({len(out.stats_loaded)} fetches, {out.stats_failures} failed) | {_median(out.stats_loaded) / _median(out.stats_solo):.1f}× | |

**Verify p99 under load is {p99_ratio:.1f}× its p99 alone** (target ≤ 2×); **{failed} requests
failed** (target 0{"; kinds: " + ", ".join(kinds) if kinds else ""}); the issuance took
{issue_ratio:.1f}× and the PDF {print_ratio:.1f}× their solo time (target ≤ 2×).
""",
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--pace":
        port, codes_file, rate, seconds = sys.argv[2:6]
        codes = Path(codes_file).read_text().split()
        import uvloop

        uvloop.run(pace(int(port), codes, float(rate), float(seconds), 64))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=int, default=1_000_000, help="labels verified")
    parser.add_argument("--issue", type=int, default=1_000_000, help="labels of the batch issued")
    parser.add_argument("--print", type=int, default=100_000, help="labels in the PDF")
    parser.add_argument("--alone-seconds", type=float, default=30.0)
    parser.add_argument("--wrk-seconds", type=int, default=8)
    parser.add_argument("--stats-solo", type=int, default=10, help="solo statistics fetches")
    parser.add_argument(
        "--jobs",
        choices=("process", "task"),
        default="process",
        help="the app's job worker: its child process (default) or a task of its event loop",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database for next time")
    parser.add_argument(
        "--quick", action="store_true", help="10^5 labels, PDF of 10^4; prints only"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    parser.add_argument("--url", default=SERVER)
    args = parser.parse_args()
    if args.quick:
        args.labels, args.issue, args.print = 100_000, 100_000, 10_000
        args.alone_seconds, args.wrk_seconds, args.stats_solo = 15.0, 4, 5
        args.no_write = True
    asyncio.run(prepare(args.url, args.labels, args.reuse))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            app = start_app(args.url, args.labels, folder / "server.log", args.jobs)
            try:
                outcome = asyncio.run(run(args, folder))
            finally:
                app.terminate()
                app.wait(timeout=30)
    finally:
        if not args.reuse:
            asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{database_name(args.labels)}"'))
    report(args, outcome)


if __name__ == "__main__":
    main()
