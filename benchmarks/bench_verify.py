"""Public verification throughput on PostgreSQL, against a bare FastAPI app (issue 16).

    python benchmarks/bench_verify.py [--labels 1000000] [--scale 10000,10000000] [--reuse]
    python benchmarks/bench_verify.py --quick      # a few minutes, for development

The real app (scans recorded, batched; rate limiter on with high limits) and the baseline, a
bare FastAPI app returning a fixed small JSON (``bare_app.py``, no middleware), each run in
their own uvicorn process with the same options on 127.0.0.1; wrk -t1 -c32 loads one at a
time, in alternating rounds: bare ``/fixed``, gimark ``/healthz``, ``/api/v1/verify/{code}``
over random genuine codes. The same at one worker (the gate) and two (reported with spread).
Each label count gets its own database (``gimark_bench_verify_<count>``), dropped afterwards
unless ``--reuse`` keeps it for the next run (loading 10,000,000 labels takes minutes).
Targets at one worker: verify ≥ 50 % of bare throughput, verify p99 ≤ 3× bare p99,
``/healthz`` ≥ 80 % of bare; throughput at the largest label count ≥ 90 % of the smallest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_issuance import SEED
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.core import migrate
from app.core.db import create_engine
from app.label.code import LabelCodec

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
KEYS = {"1": "cd" * 32}
PORT = 8791
BARE_PORT = 8792
WRK = ["wrk", "-t1", "-c32", "-d{seconds}s", "--latency"]
ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent


def database_name(labels: int) -> str:
    return f"gimark_bench_verify_{labels}"


def url_of(server: str, labels: int) -> str:
    return (
        make_url(server).set(database=database_name(labels)).render_as_string(hide_password=False)
    )


async def _admin(server: str, *statements: str) -> list[Any]:
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            results = [await connection.execute(text(s)) for s in statements]
            return [r.all() if r.returns_rows else [] for r in results]
    finally:
        await admin.dispose()


async def prepare(server: str, labels: int, reuse: bool) -> None:
    """A database with ``labels`` issued labels; with ``reuse``, one left by an earlier run."""
    name = database_name(labels)
    if reuse and await _loaded(server, labels):
        print(f"{labels:>10,} labels  reusing database {name}")
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
        await connection.execute(text("UPDATE label_batch SET status = 'issued'"))
        raw = (await connection.get_raw_connection()).driver_connection
        for first in range(0, labels, 100_000):
            codes = codec.mint_many(min(100_000, labels - first))
            rows = [(c, 1, first + i + 1, "active") for i, c in enumerate(codes)]
            await raw.copy_records_to_table(
                "label", records=rows, columns=["code", "batch_id", "serial", "status"]
            )  # type: ignore[union-attr]
    await settle(engine)
    await engine.dispose()


async def settle(engine: AsyncEngine) -> None:
    """Hint bits and visibility map set, statistics fresh, dirty pages written: otherwise
    autovacuum, autoanalyze and the checkpoint after a bulk load run during the measurement
    (at 10,000,000 labels they cut verify throughput by half within a minute)."""
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE"))
        await connection.execute(text("CHECKPOINT"))


async def _loaded(server: str, labels: int) -> bool:
    (found,) = await _admin(
        server, f"SELECT 1 FROM pg_database WHERE datname = '{database_name(labels)}'"
    )
    if not found:
        return False
    engine = create_engine(url_of(server, labels))
    try:
        await migrate.upgrade(engine)  # the schema may have moved on since it was loaded
        async with engine.connect() as connection:
            count = (await connection.execute(text("SELECT count(*) FROM label"))).scalar_one()
            await connection.execute(text("TRUNCATE scan, label_scan_stat"))  # earlier runs' scans
            await connection.commit()
        await settle(engine)
    except Exception:  # an unusable leftover is simply reloaded
        return False
    finally:
        await engine.dispose()
    return bool(count == labels)


async def sample_codes(server: str, labels: int, count: int) -> list[str]:
    """``count`` codes drawn uniformly from the whole label table."""
    engine = create_engine(url_of(server, labels))
    try:
        async with engine.connect() as connection:
            percent = min(100.0, 100.0 * count * 1.2 / labels)
            query = f"SELECT code FROM label TABLESAMPLE BERNOULLI ({percent})"
            codes = list((await connection.execute(text(query))).scalars())
    finally:
        await engine.dispose()
    random.shuffle(codes)
    return codes[:count]


async def drop(server: str, labels: int) -> None:
    await _admin(server, f'DROP DATABASE IF EXISTS "{database_name(labels)}" WITH (FORCE)')


def server_env(server: str, labels: int) -> dict[str, str]:
    return os.environ | {
        "GIMARK_MODE": "production",
        "GIMARK_DATABASE_URL": url_of(server, labels),
        "GIMARK_JWT_SECRET": "b" * 48,
        "GIMARK_LABEL_KEYS": json.dumps(KEYS),
        "GIMARK_LABEL_CURRENT_KEY_ID": "1",
        "GIMARK_PUBLIC_RATE_LIMIT_PER_MINUTE": "100000000",
        # wrk is one client checking genuine codes as fast as it can: lift the per-client cap.
        "GIMARK_RATE_LIMIT_CHECKS_PER_MINUTE": "100000000",
        "GIMARK_JOBS_IN_APP": "false",
    }


def uvicorn_command(target: str, port: int, workers: int = 1) -> list[str]:
    """The one set of uvicorn options both the app and the bare baseline are served with."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]


def start_server(
    server: str,
    labels: int,
    log: Path,
    wait: float,
    *,
    port: int = PORT,
    root: Path = ROOT,
    workers: int = 1,
) -> subprocess.Popen[bytes]:
    """Serve the real app on the bench database; wait (up to ``wait`` seconds) until /readyz
    answers, which after loading millions of labels can take a while (autovacuum, checkpoint)."""
    command = uvicorn_command("app.asgi:app", port, workers)
    return _started(command, server_env(server, labels), root, log, wait, port, "/readyz")


def start_bare(log: Path, *, port: int = BARE_PORT, workers: int = 1) -> subprocess.Popen[bytes]:
    command = uvicorn_command("bare_app:app", port, workers)
    return _started(command, dict(os.environ), HERE, log, 60.0, port, "/fixed")


def _started(
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    log: Path,
    wait: float,
    port: int,
    probe: str,
) -> subprocess.Popen[bytes]:
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, cwd=cwd, stderr=stderr)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and process.poll() is None:
        ready = subprocess.run(
            ["curl", "-sf", "-m", "5", f"http://127.0.0.1:{port}{probe}"], capture_output=True
        )
        if ready.returncode == 0:
            return process
        time.sleep(0.25)
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)
    tail = log.read_text(errors="replace")[-4000:]
    raise RuntimeError(
        f"server did not become ready within {wait:.0f} s (exit code {process.returncode});"
        f" its stderr ends:\n{tail}"
    )


def wrk(
    path_or_script: str,
    seconds: int,
    script: bool = False,
    *,
    port: int = PORT,
    pid: int | None = None,
) -> dict[str, float]:
    """wrk's rate, p99 and errors; with ``pid`` (the server), also the CPU the server's
    processes spent per request (µs): on a machine shared with other work, throughput moves
    with the load while CPU per request mostly does not, so it says what the code costs."""
    command = [part.format(seconds=seconds) for part in WRK]
    if script:
        command += ["-s", path_or_script, f"http://127.0.0.1:{port}"]
    else:
        command += [f"http://127.0.0.1:{port}{path_or_script}"]
    cpu_before = cpu_seconds(pid) if pid else 0.0
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - cpu_before if pid else 0.0
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = float(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": rate,
        "p99_ms": p99,
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "cpu_us": cpu / requests * 1e6 if requests else 0.0,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its descendants (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _ms(value: str) -> float:
    number, unit = float(re.match(r"[\d.]+", value).group()), re.sub(r"[\d.]", "", value)  # type: ignore[union-attr]
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def codes_script(codes: list[str], folder: Path) -> str:
    path = folder / "codes.lua"
    quoted = ",".join(f'"{c}"' for c in codes)
    path.write_text(
        f"local codes = {{{quoted}}}\n"
        "math.randomseed(os.time())\n"
        "request = function()\n"
        "  return wrk.format('GET', '/api/v1/verify/' .. codes[math.random(#codes)])\n"
        "end\n"
    )
    return str(path)


Round = dict[str, dict[str, float]]
SIDES = ("bare", "healthz", "verify")


def measure(
    server: str, labels: int, workers: int, args: argparse.Namespace, folder: Path
) -> list[Round]:
    """Alternating rounds of bare, healthz and verify, against one server each; every round
    is kept. The database is loaded (or reused) by the caller."""
    codes = asyncio.run(sample_codes(server, labels, min(labels, args.codes)))
    script = codes_script(codes, folder)
    log = folder / f"server-{labels}-{workers}.log"
    bare = start_bare(folder / f"bare-{workers}.log", workers=workers)
    try:
        process = start_server(server, labels, log, args.ready_wait, workers=workers)
    except BaseException:
        bare.terminate()
        raise
    targets = {
        "bare": ("/fixed", False, BARE_PORT, bare.pid),
        "healthz": ("/healthz", False, PORT, process.pid),
        "verify": (script, True, PORT, process.pid),
    }
    try:
        for target, is_script, port, _pid in targets.values():  # warm up every path
            wrk(target, 2, is_script, port=port)
        rounds: list[Round] = []
        for _ in range(args.rounds):
            this: Round = {}
            for name, (target, is_script, port, pid) in targets.items():
                this[name] = result = wrk(target, args.seconds, is_script, port=port, pid=pid)
                print(
                    f"{labels:>10,} labels  {workers} worker(s)  {name:>8}: "
                    f"{result['rate']:>8,.0f} req/s  p99 {result['p99_ms']:.1f} ms"
                    f"  server CPU {result['cpu_us']:.0f} µs/request  load {os.getloadavg()[0]:.1f}"
                )
            this["load"] = os.getloadavg()[0]  # type: ignore[assignment]
            rounds.append(this)
        return rounds
    finally:
        for running in (process, bare):
            running.terminate()
            running.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument(
        "--scale", default="10000,10000000", help="label counts for the flatness check"
    )
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to measure")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--codes", type=int, default=50_000, help="distinct codes requested")
    parser.add_argument(
        "--ready-wait", type=float, default=300.0, help="seconds to wait for /readyz"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the loaded databases for next time"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="development run: 100,000 vs 10,000 labels, one worker, 2 rounds of 4 s; prints only",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    parser.add_argument("--url", default=SERVER)
    args = parser.parse_args()
    if args.quick:
        args.labels, args.scale, args.workers = 100_000, "10000", "1"
        args.rounds, args.seconds, args.no_write = 2, 4, True
    worker_counts = sorted({int(n) for n in args.workers.split(",") if n})
    counts = sorted({args.labels, *(int(n) for n in args.scale.split(",") if n)})
    results: dict[tuple[int, int], list[Round]] = {}
    args.load_before = os.getloadavg()[1]
    with tempfile.TemporaryDirectory() as tmp:
        for labels in counts:
            asyncio.run(prepare(args.url, labels, args.reuse))
            try:
                # More than one worker only at the main label count: the flatness check is
                # a one-worker comparison.
                for workers in worker_counts if labels == args.labels else [1]:
                    results[labels, workers] = measure(args.url, labels, workers, args, Path(tmp))
            finally:
                if not args.reuse:
                    asyncio.run(drop(args.url, labels))
    args.load_after = os.getloadavg()[1]
    report(args, results)


def median(values: list[float]) -> float:
    return statistics.median(values)


def summary(rounds: list[Round]) -> dict[str, float]:
    """Per side the best round (the machine is shared: interference only ever slows a side
    down), and the median, lowest and highest of the per-round ratios (each round's sides
    measured back to back)."""
    out: dict[str, float] = {}
    for side in SIDES:
        best = max(rounds, key=lambda r: r[side]["rate"])[side]
        out[f"{side}_rate"], out[f"{side}_p99"] = best["rate"], best["p99_ms"]
    ratios = {
        "ratio": [r["verify"]["rate"] / r["bare"]["rate"] for r in rounds],
        "p99_ratio": [r["verify"]["p99_ms"] / r["bare"]["p99_ms"] for r in rounds],
        "healthz_ratio": [r["healthz"]["rate"] / r["bare"]["rate"] for r in rounds],
    }
    for name, values in ratios.items():
        out[name], out[f"{name}_min"], out[f"{name}_max"] = median(values), min(values), max(values)
    out["non_2xx"] = sum(r[side]["non_2xx"] for r in rounds for side in SIDES)
    for side in SIDES:  # the server's CPU per request: the median over the rounds
        out[f"{side}_cpu"] = median([r[side].get("cpu_us", 0.0) for r in rounds])
    return out


def _spread(s: dict[str, float], name: str, percent: bool) -> str:
    if percent:
        return f"{s[name]:.0%} ({s[name + '_min']:.0%}–{s[name + '_max']:.0%})"
    return f"{s[name]:.1f}× ({s[name + '_min']:.1f}–{s[name + '_max']:.1f})"


def report(args: argparse.Namespace, results: dict[tuple[int, int], list[Round]]) -> None:
    sums = {key: summary(rounds) for key, rounds in results.items()}
    main_run = sums[args.labels, 1] if (args.labels, 1) in sums else sums[min(sums)]
    one_worker = {labels: s for (labels, workers), s in sums.items() if workers == 1}
    smallest, largest = min(one_worker), max(one_worker)
    flat = one_worker[largest]["verify_rate"] / one_worker[smallest]["verify_rate"]
    # The same comparison with each side divided by its own baseline: the two label counts
    # are measured minutes apart, on a machine whose load drifts meanwhile.
    flat_relative = one_worker[largest]["ratio"] / one_worker[smallest]["ratio"]
    verdict = (
        f"at {args.labels:,} labels, one worker: verify/bare = {main_run['ratio']:.0%} (≥ 50 %), "
        f"p99 ratio = {main_run['p99_ratio']:.1f}× (≤ 3×), "
        f"healthz/bare = {main_run['healthz_ratio']:.0%} (≥ 80 %); "
        f"{largest:,} vs {smallest:,} labels = {flat:.0%} (≥ 90 %), "
        f"relative to each run's bare baseline {flat_relative:.0%}"
    )
    print(verdict)
    for (labels, workers), s in sorted(sums.items()):
        if workers > 1:
            print(
                f"{labels:,} labels, {workers} workers: verify/bare {_spread(s, 'ratio', True)},"
                f" p99 {_spread(s, 'p99_ratio', False)},"
                f" healthz/bare {_spread(s, 'healthz_ratio', True)}"
            )
    if args.no_write:
        return
    rows = "\n".join(
        f"| {n:,} | {w} | {s['bare_rate']:,.0f} | {s['bare_p99']:.1f} "
        f"| {s['healthz_rate']:,.0f} | {s['healthz_p99']:.1f} "
        f"| {s['verify_rate']:,.0f} | {s['verify_p99']:.1f} "
        f"| {_spread(s, 'ratio', True)} | {_spread(s, 'p99_ratio', False)} "
        f"| {_spread(s, 'healthz_ratio', True)} | {s['non_2xx']:.0f} |"
        for (n, w), s in sorted(sums.items())
    )
    cpu_rows = "\n".join(
        f"| {n:,} | {w} | {s['bare_cpu']:.0f} | {s['healthz_cpu']:.0f} | {s['verify_cpu']:.0f} "
        f"| {s['verify_cpu'] / s['bare_cpu']:.1f}× |"
        for (n, w), s in sorted(sums.items())
        if s["bare_cpu"]
    )
    rounds = "\n".join(
        f"| {n:,} | {w} | {i} | "
        + " | ".join(
            f"{r[side]['rate']:,.0f} | {r[side]['p99_ms']:.1f} | {r[side].get('cpu_us', 0):.0f}"
            for side in SIDES
        )
        + f" | {r.get('load', 0.0):.1f} |"
        for (n, w), runs in sorted(results.items())
        for i, r in enumerate(runs, start=1)
    )
    from results import write_section

    write_section(
        "Public verification",
        f"""
gimark (scans recorded, batched; rate limiter on, limits set high) and a **bare FastAPI app**
returning a fixed small JSON (`benchmarks/bare_app.py`: one route, no middleware), each in
its own uvicorn process with the same options (uvloop, httptools, no access log) on
127.0.0.1; PostgreSQL {args.url.rsplit("@", 1)[-1]}; wrk -t1 -c32 on the same 2-core
machine, one target at a time, {args.seconds} s per run, {args.rounds} alternating rounds
(bare `/fixed`, gimark `/healthz`, `/api/v1/verify/{{code}}`). Verify requests draw at
random from {args.codes:,} codes sampled uniformly from the whole label table (all of them
when there are fewer, which favours the smallest table: its codes repeat and hit the verdict
cache more often). Each label count gets its own database, vacuumed, analysed and
checkpointed after loading. Req/s and p99: each side's best round; ratios: the median of
the per-round ratios, with the lowest and highest round in brackets. Load average (5 min)
when the run started: {args.load_before:.1f}; when it ended: {args.load_after:.1f} (2 cores: above 2,
other work on the machine competed with both sides).

| labels | workers | bare req/s | bare p99 ms | /healthz req/s | /healthz p99 ms | verify req/s | verify p99 ms | verify / bare | verify p99 / bare p99 | /healthz / bare | non-2xx |
|---|---|---|---|---|---|---|---|---|---|---|---|
{rows}

At {args.labels:,} labels and one worker **verify serves {main_run["ratio"]:.0%} of the bare
app's requests** (target ≥ 50 %) with **p99 {main_run["p99_ratio"]:.1f}× the bare app's**
(target ≤ 3×), and **`/healthz` {main_run["healthz_ratio"]:.0%}** (target ≥ 80 %). Verify
throughput at {largest:,} labels is **{flat:.0%} of that at {smallest:,}** (target ≥ 90 %);
divided by each run's own bare baseline, {flat_relative:.0%}.

The server's own CPU per request (user + system of its processes, from `/proc`, µs; the
median over the rounds). On a shared machine the throughput of each side moves with what else
runs; CPU per request moves much less, so it says what gimark's code costs against FastAPI's
(verify's also includes recording the scans; PostgreSQL's CPU is not in it).

| labels | workers | bare µs | /healthz µs | verify µs | verify / bare |
|---|---|---|---|---|---|
{cpu_rows}

<details><summary>every round</summary>

| labels | workers | round | bare req/s | bare p99 ms | bare CPU µs | /healthz req/s | /healthz p99 ms | /healthz CPU µs | verify req/s | verify p99 ms | verify CPU µs | load (1 min) |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
{rounds}

</details>
""",
    )


if __name__ == "__main__":
    main()
