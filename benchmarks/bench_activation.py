"""Activation on the packing line, end to end over HTTP, against the bare UPDATE (issue 15).

    python benchmarks/bench_activation.py [--labels 1000000] [--chunk 10000] [--rounds 2]
    python benchmarks/bench_activation.py --quick      # 100,000 labels, prints only

A database with ``--labels`` inactive labels of one batch (a product requiring activation) is
loaded on PostgreSQL. gimark is served by one uvicorn worker (uvloop, httptools, no access log,
as ``bench_verify.py`` serves it); a licensee signs in and activates every label in calls of
``--chunk`` codes (``POST /api/v1/labels/activate``, each with its own ``Idempotency-Key``),
one call after another as a line's controller would send them. The baseline is the bare
statement the call boils down to, run over asyncpg on the same codes in the same chunks:
``UPDATE label SET status = 'active', … WHERE code = ANY($1) AND status = 'inactive'``, one
transaction per chunk. Between runs every label is made inactive again and the table vacuumed;
rounds alternate which side goes first. Target: ≥ 20,000 codes/s end to end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_issuance import SEED
from bench_verify import ROOT, _admin, _started, server_env, settle, uvicorn_command
from results import machine, write_section
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.auth.passwords import hash_password
from app.core import migrate
from app.core.db import create_engine
from app.label.code import LabelCodec

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
KEYS = {"1": "cd" * 32}
PORT = 8793
PASSWORD = "bench password 1"
TARGET = 20_000
BARE_UPDATE = (
    "UPDATE label SET status = 'active', activated_at = now(), status_changed_at = now()"
    " WHERE code = ANY($1::varchar[]) AND status = 'inactive'"
)
RESET = "UPDATE label SET status = 'inactive', activated_at = NULL, status_changed_at = NULL"


def database_name(labels: int) -> str:
    return f"gimark_bench_activation_{labels}"


def url_of(server: str, labels: int) -> str:
    url = make_url(server).set(database=database_name(labels))
    return url.render_as_string(hide_password=False)


def dsn_of(server: str, labels: int) -> str:
    url = make_url(url_of(server, labels)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def prepare(server: str, labels: int) -> list[str]:
    """The database, with ``labels`` inactive labels of batch 1 and a licensee; their codes
    in serial order (the order a line packs them)."""
    name = database_name(labels)
    await _admin(
        server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    engine = create_engine(url_of(server, labels))
    await migrate.upgrade(engine)
    codec = LabelCodec({k: bytes.fromhex(v) for k, v in KEYS.items()}, "1")
    codes: list[str] = []
    async with engine.begin() as connection:
        for statement in SEED:
            await connection.execute(text(statement), {"quantity": labels})
        await connection.execute(text("UPDATE gi_product SET requires_activation = true"))
        await connection.execute(
            text(
                "UPDATE label_batch SET status = 'issued', requires_activation = true,"
                " issued_at = now(), key_id = '1' WHERE id = 1"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO app_user (username, display_name, password_hash, role, enterprise_id,"
                " is_active, must_change_password, created_at, updated_at) VALUES"
                " ('line', '包装线', :h, 'licensee', 1, true, false, now(), now())"
            ),
            {"h": hash_password(PASSWORD)},
        )
        raw = (await connection.get_raw_connection()).driver_connection
        for first in range(0, labels, 100_000):
            minted = codec.mint_many(min(100_000, labels - first))
            rows = [(c, 1, first + i + 1, "inactive") for i, c in enumerate(minted)]
            await raw.copy_records_to_table(  # type: ignore[union-attr]
                "label", records=rows, columns=["code", "batch_id", "serial", "status"]
            )
            codes += minted
    await settle(engine)
    await engine.dispose()
    return codes


async def reset(server: str, labels: int) -> None:
    """Every label inactive again, dead rows vacuumed: each run starts from the same table."""
    engine = create_engine(url_of(server, labels))
    try:
        async with engine.begin() as connection:
            await connection.execute(text(RESET))
            await connection.execute(text("TRUNCATE idempotency_record"))
        await settle(engine)
    finally:
        await engine.dispose()


def chunks(codes: list[str], size: int) -> list[list[str]]:
    return [codes[i : i + size] for i in range(0, len(codes), size)]


async def run_http(codes: list[str], size: int, round_no: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=600.0) as client:
        token = await client.post(
            "/api/v1/auth/token", data={"username": "line", "password": PASSWORD}
        )
        token.raise_for_status()
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        calls: list[float] = []
        changed = 0
        started = time.perf_counter()
        for index, chunk in enumerate(chunks(codes, size)):
            sent = time.perf_counter()
            response = await client.post(
                "/api/v1/labels/activate",
                json={"codes": chunk},
                headers={"Idempotency-Key": f"bench-{round_no}-{index}"},
            )
            calls.append(time.perf_counter() - sent)
            response.raise_for_status()
            changed += int(response.json()["changed"])
        elapsed = time.perf_counter() - started
        # The first codes are genuine now (not served stale from any cache).
        check = (await client.get(f"/api/v1/verify/{codes[0]}")).json()["verdict"]
    if changed != len(codes) or check != "genuine":
        raise RuntimeError(f"activated {changed} of {len(codes)}; first code reads {check}")
    return {"rate": len(codes) / elapsed, "seconds": elapsed, "p50_call": _median(calls)}


async def run_bare(server: str, labels: int, codes: list[str], size: int) -> dict[str, float]:
    connection = await asyncpg.connect(dsn_of(server, labels))
    try:
        calls: list[float] = []
        changed = 0
        started = time.perf_counter()
        for chunk in chunks(codes, size):
            sent = time.perf_counter()
            status = await connection.execute(BARE_UPDATE, chunk)
            calls.append(time.perf_counter() - sent)
            changed += int(status.split()[-1])
        elapsed = time.perf_counter() - started
    finally:
        await connection.close()
    if changed != len(codes):
        raise RuntimeError(f"the bare UPDATE changed {changed} of {len(codes)}")
    return {"rate": len(codes) / elapsed, "seconds": elapsed, "p50_call": _median(calls)}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--url", default=SERVER)
    parser.add_argument("--quick", action="store_true", help="100,000 labels, prints only")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if args.quick:
        args.labels, args.no_write = 100_000, True
    load_before = os.getloadavg()[1]
    codes = asyncio.run(prepare(args.url, args.labels))
    rounds: list[dict[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        env = server_env(args.url, args.labels) | {
            "GIMARK_DATABASE_URL": url_of(args.url, args.labels)
        }
        command = uvicorn_command("app.asgi:app", PORT)
        process = _started(command, env, ROOT, log, 300.0, PORT, "/readyz")
        try:
            for round_no in range(args.rounds):
                this: dict[str, dict[str, float]] = {}
                order = ("http", "bare") if round_no % 2 == 0 else ("bare", "http")
                for side in order:
                    asyncio.run(reset(args.url, args.labels))
                    if side == "http":
                        this[side] = asyncio.run(run_http(codes, args.chunk, round_no))
                    else:
                        this[side] = asyncio.run(run_bare(args.url, args.labels, codes, args.chunk))
                    result = this[side]
                    print(
                        f"round {round_no + 1}  {side:>4}: {result['rate']:>9,.0f} codes/s"
                        f"  ({result['seconds']:.1f} s, median call {result['p50_call'] * 1000:.0f} ms)"
                    )
                rounds.append(this)
        finally:
            process.terminate()
            process.wait(timeout=30)
            if not args.keep:
                asyncio.run(
                    _admin(
                        args.url,
                        f'DROP DATABASE IF EXISTS "{database_name(args.labels)}" WITH (FORCE)',
                    )
                )
    load_after = os.getloadavg()[1]
    report(args, rounds, (load_before, load_after))


def report(
    args: argparse.Namespace,
    rounds: list[dict[str, dict[str, float]]],
    load: tuple[float, float],
) -> None:
    http = max(r["http"]["rate"] for r in rounds)
    bare = max(r["bare"]["rate"] for r in rounds)
    ratios = [r["http"]["rate"] / r["bare"]["rate"] for r in rounds]
    verdict = (
        f"end to end {http:,.0f} codes/s (target ≥ {TARGET:,}: "
        f"{'met' if http >= TARGET else 'NOT met'}); bare UPDATE {bare:,.0f} codes/s; "
        f"HTTP/bare = {statistics.median(ratios):.0%} ({min(ratios):.0%}–{max(ratios):.0%})"
    )
    print(verdict)
    if args.no_write:
        return
    rows = "\n".join(
        f"| {n + 1} | {r['http']['rate']:,.0f} | {r['http']['p50_call'] * 1000:.0f} ms"
        f" | {r['bare']['rate']:,.0f} | {r['bare']['p50_call'] * 1000:.0f} ms"
        f" | {r['http']['rate'] / r['bare']['rate']:.0%} |"
        for n, r in enumerate(rounds)
    )
    body = f"""
`python benchmarks/bench_activation.py`: {args.labels:,} inactive labels of one batch on
PostgreSQL 127.0.0.1:5432; gimark with one uvicorn worker (uvloop, httptools, no access log);
a licensee activates all of them over HTTP in calls of {args.chunk:,} codes
(`POST /api/v1/labels/activate`, one call after another, each with its own `Idempotency-Key`:
validation, idempotency record, one set-based UPDATE … RETURNING (the counts and serial ranges), one audit
event with the counts and one per batch naming the serial runs switched). Baseline: the bare `UPDATE label SET status = 'active' … WHERE code = ANY($1) AND
status = 'inactive'` over asyncpg, same codes, same chunks. Every label is made inactive again
and the table vacuumed before each run; rounds alternate which side goes first. Load average
(5 min) before and after: {load[0]:.1f}, {load[1]:.1f} on {machine()}.

| round | HTTP codes/s | HTTP median call | bare UPDATE codes/s | bare median chunk | HTTP/bare |
|---|---|---|---|---|---|
{rows}

**{verdict}.**
"""
    write_section("Activation on the packing line", body)


if __name__ == "__main__":
    main()
