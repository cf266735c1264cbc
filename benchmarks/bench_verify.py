"""Public verification throughput on PostgreSQL, against a fixed-JSON endpoint of the same app.

    python benchmarks/bench_verify.py [--labels 1000000] [--scale 10000,10000000]

One uvicorn worker serves the real app (scans recorded, batched) on 127.0.0.1; wrk loads it.
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_issuance import SEED
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.core import migrate
from app.core.db import create_engine
from app.label.code import LabelCodec

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DB = "gimark_bench_verify"
KEYS = {"1": "cd" * 32}
PORT = 8791
WRK = ["wrk", "-t1", "-c32", "-d{seconds}s", "--latency"]


def url_of(server: str) -> str:
    return make_url(server).set(database=DB).render_as_string(hide_password=False)


async def load_labels(server: str, labels: int) -> list[str]:
    """A fresh database with ``labels`` issued labels; returns a sample of their codes."""
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{DB}"'))
    await admin.dispose()
    engine = create_engine(url_of(server))
    await migrate.upgrade(engine)
    codec = LabelCodec({k: bytes.fromhex(v) for k, v in KEYS.items()}, "1")
    sample: list[str] = []
    async with engine.begin() as connection:
        for statement in SEED:
            await connection.execute(text(statement), {"quantity": labels})
        await connection.execute(text("UPDATE label_batch SET status = 'issued'"))
        raw = (await connection.get_raw_connection()).driver_connection
        for first in range(0, labels, 100_000):
            codes = codec.mint_many(min(100_000, labels - first))
            sample.extend(random.sample(codes, min(len(codes), 2000)))
            rows = [(c, 1, first + i + 1, "active") for i, c in enumerate(codes)]
            await raw.copy_records_to_table(
                "label", records=rows, columns=["code", "batch_id", "serial", "status"]
            )  # type: ignore[union-attr]
        await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return sample


def start_server(server: str) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "GIMARK_MODE": "production", "GIMARK_DATABASE_URL": url_of(server),
        "GIMARK_JWT_SECRET": "b" * 48, "GIMARK_LABEL_KEYS": json.dumps(KEYS),
        "GIMARK_LABEL_CURRENT_KEY_ID": "1", "GIMARK_PUBLIC_RATE_LIMIT_PER_MINUTE": "100000000",
    }  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(PORT), "--no-access-log",
               "--log-level", "warning", "--loop", "uvloop", "--http", "httptools"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[1])
    for _ in range(100):
        try:
            subprocess.run(
                ["curl", "-sf", f"http://127.0.0.1:{PORT}/healthz"], check=True, capture_output=True
            )
            return process
        except subprocess.CalledProcessError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def wrk(path_or_script: str, seconds: int, script: bool = False) -> dict[str, float]:
    command = [part.format(seconds=seconds) for part in WRK]
    if script:
        command += ["-s", path_or_script, f"http://127.0.0.1:{PORT}"]
    else:
        command += [f"http://127.0.0.1:{PORT}{path_or_script}"]
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


def measure(server: str, labels: int, seconds: int, folder: Path) -> dict[str, dict[str, float]]:
    codes = asyncio.run(load_labels(server, labels))
    script = codes_script(codes, folder)
    process = start_server(server)
    try:
        wrk("/healthz", 3)  # warm up both paths
        wrk(script, 3, script=True)
        best: dict[str, dict[str, float]] = {}
        for _ in range(2):  # alternate, keep each side's best: the machine is shared and noisy
            for name, target, is_script in (
                ("baseline", "/healthz", False),
                ("verify", script, True),
            ):
                result = wrk(target, seconds, script=is_script)
                print(
                    f"{labels:>10,} labels  {name:>8}: {result['rate']:>8,.0f} req/s  p99 {result['p99_ms']:.1f} ms"
                )
                if name not in best or result["rate"] > best[name]["rate"]:
                    best[name] = result
        return best
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument(
        "--scale", default="10000,1000000", help="label counts for the flatness check"
    )
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--url", default=SERVER)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counts = sorted({args.labels, *(int(n) for n in args.scale.split(","))})
        results = {n: measure(args.url, n, args.seconds, Path(tmp)) for n in counts}
    report(args.labels, results)


def report(main_count: int, results: dict[int, dict[str, dict[str, float]]]) -> None:
    main_run = results[main_count]
    base, verify = main_run["baseline"], main_run["verify"]
    ratio, p99_ratio = verify["rate"] / base["rate"], verify["p99_ms"] / base["p99_ms"]
    smallest, largest = min(results), max(results)
    flat = results[largest]["verify"]["rate"] / results[smallest]["verify"]["rate"]
    print(
        f"verify/baseline = {ratio:.0%} (≥ 50 %), p99 ratio = {p99_ratio:.1f}× (≤ 3×), "
        f"{largest:,} vs {smallest:,} labels = {flat:.0%} (≥ 90 %)"
    )
    rows = "\n".join(
        f"| {n:,} | {r['baseline']['rate']:,.0f} | {r['baseline']['p99_ms']:.1f} | {r['verify']['rate']:,.0f} | {r['verify']['p99_ms']:.1f} | {r['verify']['non_2xx']:.0f} |"
        for n, r in sorted(results.items())
    )
    from results import write_section

    write_section("Public verification", f"""
One uvicorn worker (uvloop, httptools) on 127.0.0.1, PostgreSQL, scans recorded (batched);
wrk -t1 -c32 on the same 2-core machine; best of two alternating rounds per side.

| labels | baseline req/s | baseline p99 ms | verify req/s | verify p99 ms | non-2xx |
|---|---|---|---|---|---|
{rows}

At {main_count:,} labels **verify serves {ratio:.0%} of the baseline's requests** (target ≥ 50 %)
with **p99 {p99_ratio:.1f}× the baseline's** (target ≤ 3×). Throughput at {largest:,} labels is
**{flat:.0%} of that at {smallest:,}** (target ≥ 90 %): the lookup is one primary-key probe.
""")  # fmt: skip


if __name__ == "__main__":
    main()
