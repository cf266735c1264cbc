"""Public verification throughput on PostgreSQL, against a fixed-JSON endpoint of the same app.

    python benchmarks/bench_verify.py [--labels 1000000] [--scale 10000,10000000] [--reuse]

One uvicorn worker serves the real app (scans recorded, batched) on 127.0.0.1; wrk loads it.
Each label count gets its own database (``gimark_bench_verify_<count>``), dropped afterwards
unless ``--reuse`` keeps it for the next run (loading 10,000,000 labels takes minutes).
Baseline: ``/healthz`` (a fixed small JSON through the same middleware). Verify:
``/api/v1/verify/{code}`` over random genuine codes. Targets: verify ≥ 50 % of baseline
throughput, verify p99 ≤ 3× baseline p99, and throughput at the largest label count ≥ 90 %
of that at the smallest.
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
WRK = ["wrk", "-t1", "-c32", "-d{seconds}s", "--latency"]
ROOT = Path(__file__).resolve().parents[1]


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


def start_server(
    server: str, labels: int, log: Path, wait: float, *, port: int = PORT, root: Path = ROOT
) -> subprocess.Popen[bytes]:
    """Serve the real app on the bench database; wait (up to ``wait`` seconds) until /readyz
    answers, which after loading millions of labels can take a while (autovacuum, checkpoint)."""
    env = os.environ | {
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
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.asgi:app",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, cwd=root, stderr=stderr)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and process.poll() is None:
        ready = subprocess.run(
            ["curl", "-sf", "-m", "5", f"http://127.0.0.1:{port}/readyz"], capture_output=True
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
    path_or_script: str, seconds: int, script: bool = False, *, port: int = PORT
) -> dict[str, float]:
    command = [part.format(seconds=seconds) for part in WRK]
    if script:
        command += ["-s", path_or_script, f"http://127.0.0.1:{port}"]
    else:
        command += [f"http://127.0.0.1:{port}{path_or_script}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p99_ms": p99, "non_2xx": float(errors.group(1)) if errors else 0.0}


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


def measure(server: str, labels: int, args: argparse.Namespace, folder: Path) -> list[Round]:
    """Alternating rounds of baseline and verify against one server; every round is kept."""
    asyncio.run(prepare(server, labels, args.reuse))
    codes = asyncio.run(sample_codes(server, labels, min(labels, args.codes)))
    script = codes_script(codes, folder)
    process = start_server(server, labels, folder / f"server-{labels}.log", args.ready_wait)
    try:
        wrk("/healthz", 3)  # warm up both paths
        wrk(script, 3, script=True)
        rounds: list[Round] = []
        for _ in range(args.rounds):
            this: Round = {}
            for name, target, is_script in (
                ("baseline", "/healthz", False),
                ("verify", script, True),
            ):
                this[name] = result = wrk(target, args.seconds, script=is_script)
                print(
                    f"{labels:>10,} labels  {name:>8}: {result['rate']:>8,.0f} req/s"
                    f"  p99 {result['p99_ms']:.1f} ms"
                )
            rounds.append(this)
        return rounds
    finally:
        process.terminate()
        process.wait(timeout=30)
        if not args.reuse:
            asyncio.run(drop(server, labels))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument(
        "--scale", default="10000,10000000", help="label counts for the flatness check"
    )
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--codes", type=int, default=50_000, help="distinct codes requested")
    parser.add_argument(
        "--ready-wait", type=float, default=300.0, help="seconds to wait for /readyz"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the loaded databases for next time"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    parser.add_argument("--url", default=SERVER)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counts = sorted({args.labels, *(int(n) for n in args.scale.split(",") if n)})
        results = {n: measure(args.url, n, args, Path(tmp)) for n in counts}
    report(args, results)


def median(values: list[float]) -> float:
    return statistics.median(values)


def summary(rounds: list[Round]) -> dict[str, float]:
    """Per side the best round (the machine is shared: interference only ever slows a side
    down), and the median of the per-round ratios (each pair measured back to back)."""
    best = {
        side: max(rounds, key=lambda r: r[side]["rate"])[side] for side in ("baseline", "verify")
    }
    return {
        "base_rate": best["baseline"]["rate"],
        "base_p99": best["baseline"]["p99_ms"],
        "verify_rate": best["verify"]["rate"],
        "verify_p99": best["verify"]["p99_ms"],
        "ratio": median([r["verify"]["rate"] / r["baseline"]["rate"] for r in rounds]),
        "p99_ratio": median([r["verify"]["p99_ms"] / r["baseline"]["p99_ms"] for r in rounds]),
        "non_2xx": sum(r["verify"]["non_2xx"] + r["baseline"]["non_2xx"] for r in rounds),
    }


def report(args: argparse.Namespace, results: dict[int, list[Round]]) -> None:
    sums = {n: summary(rounds) for n, rounds in results.items()}
    main_run, smallest, largest = sums[args.labels], min(sums), max(sums)
    ratio, p99_ratio = main_run["ratio"], main_run["p99_ratio"]
    flat = sums[largest]["verify_rate"] / sums[smallest]["verify_rate"]
    # The same comparison with each side divided by its own baseline: the two label counts
    # are measured minutes apart, on a machine whose load drifts meanwhile.
    flat_relative = sums[largest]["ratio"] / sums[smallest]["ratio"]
    print(
        f"verify/baseline = {ratio:.0%} (≥ 50 %), p99 ratio = {p99_ratio:.1f}× (≤ 3×), "
        f"{largest:,} vs {smallest:,} labels = {flat:.0%} (≥ 90 %), "
        f"relative to each run's baseline {flat_relative:.0%}"
    )
    if args.no_write:
        return
    rows = "\n".join(
        f"| {n:,} | {s['base_rate']:,.0f} | {s['base_p99']:.1f} | {s['verify_rate']:,.0f} "
        f"| {s['verify_p99']:.1f} | {s['ratio']:.0%} | {s['p99_ratio']:.1f}× | {s['non_2xx']:.0f} |"
        for n, s in sorted(sums.items())
    )
    rounds = "\n".join(
        f"| {n:,} | {i} | {r['baseline']['rate']:,.0f} | {r['baseline']['p99_ms']:.1f} "
        f"| {r['verify']['rate']:,.0f} | {r['verify']['p99_ms']:.1f} |"
        for n, runs in sorted(results.items())
        for i, r in enumerate(runs, start=1)
    )
    from results import write_section

    write_section(
        "Public verification",
        f"""
One uvicorn worker (uvloop, httptools) on 127.0.0.1, PostgreSQL {args.url.rsplit("@", 1)[-1]},
scans recorded (batched); wrk -t1 -c32 on the same 2-core machine, {args.seconds} s per run,
{args.rounds} alternating rounds (baseline, verify) per label count against one server.
Verify requests draw at random from {args.codes:,} codes sampled uniformly from the whole
label table (all of them when there are fewer: at 10,000 labels codes repeat more often and
are found in the verdict cache more often, which favours the smallest table). Each label count
gets its own database, vacuumed, analysed and checkpointed after loading. Baseline:
`/healthz`, a fixed small JSON through the same middleware. Req/s and p99: each side's best
round; ratios: the median of the per-round ratios.

| labels | baseline req/s | baseline p99 ms | verify req/s | verify p99 ms | verify / baseline | p99 ratio | non-2xx |
|---|---|---|---|---|---|---|---|
{rows}

At {args.labels:,} labels **verify serves {ratio:.0%} of the baseline's requests** (target ≥ 50 %)
with **p99 {p99_ratio:.1f}× the baseline's** (target ≤ 3×). Verify throughput at {largest:,}
labels is **{flat:.0%} of that at {smallest:,}** (target ≥ 90 %); divided by each run's own
baseline, {flat_relative:.0%}.

<details><summary>every round</summary>

| labels | round | baseline req/s | baseline p99 ms | verify req/s | verify p99 ms |
|---|---|---|---|---|---|
{rounds}

</details>
""",
    )


if __name__ == "__main__":
    main()
