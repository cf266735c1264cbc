"""Server time of the main console pages on PostgreSQL with 10^6 labels, 10^4 batches and
10^6 scans (issue 12, point 9: ≤ 100 ms each), against a bare baseline in the same run.

    python benchmarks/bench_console.py [--small] [--reuse] [--rounds 20]

The data is bulk-loaded with ``INSERT … SELECT generate_series`` (no per-row Python) into its
own database, ``gimark_bench_console_<labels>``, kept with ``--reuse`` for the next run.
Each page is requested in-process through the ASGI interface (httpx), signed in as a
regulator (the licensee's dashboard as a licensee), so the time is the app's own: session,
permission check, queries and template. The baseline is a bare FastAPI + Jinja2 page on the same
database engine that runs one trivial query and renders one small template: the ratio says
what the console adds over a page that does nothing. ``--small`` loads 10^4 labels, 100
batches and 10^4 scans for a quick check.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from bench_issuance import SEED
from bench_verify import _admin, settle
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from results import write_section
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.auth.passwords import hash_password
from app.core import migrate
from app.core.config import Settings
from app.core.db import Database, create_engine
from app.core.pagination import encode_cursor
from app.label.repository import BATCH_ORDERS
from app.main import create_app

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password 1"
BUDGET_MS = 100.0
ENTERPRISES = 100


def database_name(labels: int) -> str:
    return f"gimark_bench_console_{labels}"


def url_of(server: str, labels: int) -> str:
    name = database_name(labels)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def load_statements(labels: int, batches: int, scans: int) -> list[str]:
    """Enterprises and their licences, ``batches`` batches over them (most issued, some
    waiting or suspended), ``labels`` labels spread evenly, ``scans`` scans over the labels,
    one flagged code in a thousand, and a few thousand audit-free users."""
    per_batch = labels // batches
    return [
        *SEED[:3],
        "INSERT INTO enterprise (name, uscc, address, region, division_code, created_at,"
        " updated_at) SELECT '五原县第' || g || '号向日葵合作社', '91150821M' || lpad(g::text, 9,"
        " '0'), '五原县', '巴彦淖尔市五原县', '150821', now(), now()"
        f" FROM generate_series(2, {ENTERPRISES}) g",
        "INSERT INTO licence (number, enterprise_id, product_id, status, production_area_mu,"
        " production_location, valid_from, valid_until, applied_at, created_at, updated_at)"
        " SELECT 'GI-B-' || g, g, 1, 'active', 100000, '五原县', now(), now() + interval"
        f" '1 year', now(), now(), now() FROM generate_series(2, {ENTERPRISES}) g",
        "INSERT INTO label_batch (licence_id, enterprise_id, product_id, lot_number, quantity,"
        " unit, production_date, origin, season, status, created_at, updated_at)"
        f" SELECT e, e, 1, 'WY-2026-' || lpad(g::text, 6, '0'), {per_batch}, '袋 0.5 kg',"
        " current_date, '五原县隆兴昌镇', 2026, CASE WHEN g % 50 = 0 THEN 'requested'"
        " WHEN g % 97 = 0 THEN 'suspended' ELSE 'issued' END,"
        f" now() - ({batches} - g) * interval '1 minute', now()"
        f" FROM generate_series(1, {batches}) g, LATERAL (SELECT (g % {ENTERPRISES}) + 1 AS e) x",
        "INSERT INTO label (code, batch_id, serial, status) SELECT 'B' || lpad(g::text, 12,"
        f" '0'), (g - 1) / {per_batch} + 1, (g - 1) % {per_batch} + 1, 'active'"
        f" FROM generate_series(1, {per_batch * batches}) g",
        "INSERT INTO scan (code, scanned_at, verdict, network_prefix, source_hash, ua_family,"
        " os_family) SELECT 'B' || lpad(((g::bigint * 7919) % "
        f"{per_batch * batches} + 1)::text, 12, '0'), now() - g * interval '1 second', 'genuine',"
        " '10.0.0.0/24', md5(g::text)::varchar(32), 'chrome', 'android'"
        f" FROM generate_series(1, {scans}) g",
        "INSERT INTO label_scan_stat (code, scan_count, first_scanned_at, last_scanned_at,"
        " suspect_reason, flagged_at) SELECT 'B' || lpad(g::text, 12, '0'), 25, now() - interval"
        " '3 days', now(), 'many_sources', now() - g * interval '1 minute'"
        f" FROM generate_series(1, {max(1, labels // 1000)}) g",
    ]


async def _complete(url: str, labels: int) -> bool:
    """A database an earlier run loaded completely (a failed load leaves it empty)."""
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)  # indexes added since the load
        async with engine.connect() as connection:
            count = (await connection.execute(text("SELECT count(*) FROM label"))).scalar_one()
        await settle(engine)
    finally:
        await engine.dispose()
    return bool(count == labels)


async def prepare(server: str, labels: int, batches: int, scans: int, reuse: bool) -> None:
    name = database_name(labels)
    if reuse:
        (found,) = await _admin(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if found and await _complete(url_of(server, labels), labels):
            print(f"reusing database {name}")
            return
    await _admin(
        server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    engine = create_engine(url_of(server, labels))
    await migrate.upgrade(engine)
    started = time.perf_counter()
    password_hash = hash_password(PASSWORD)
    async with engine.begin() as connection:
        for statement in load_statements(labels, batches, scans):
            await connection.execute(text(statement), {"quantity": labels})
        await connection.execute(
            text(
                "INSERT INTO app_user (username, display_name, password_hash, role, enterprise_id,"
                " is_active, must_change_password, created_at, updated_at) VALUES"
                " ('regulator', '监管员', :h, 'regulator', NULL, true, false, now(), now()),"
                " ('licensee', '合作社质量经理', :h, 'licensee', 2, true, false, now(), now()),"
                " ('admin', '管理员', :h, 'admin', NULL, true, false, now(), now())"
            ),
            {"h": password_hash},
        )
        await connection.execute(
            text(
                "INSERT INTO app_user (username, display_name, password_hash, role, is_active,"
                " must_change_password, created_at, updated_at) SELECT 'clerk' || g, '科员' || g,"
                " :h, 'inspector', true, false, now(), now() FROM generate_series(1, 2000) g"
            ),
            {"h": password_hash},
        )
    print(
        f"loaded {labels:,} labels, {batches:,} batches, {scans:,} scans in {time.perf_counter() - started:.0f} s"
    )
    await settle(engine)
    await engine.dispose()


def settings_for(url: str) -> Settings:
    return Settings(
        mode="test",
        database_url=url,
        jwt_secret="x" * 40,
        label_keys={"1": "ab" * 32},
        label_current_key_id="1",
        public_base_url="http://bench.local",
        console_logins_per_address_per_minute=1000,
    )


def bare_app(database: Database) -> FastAPI:
    """The baseline: a page that asks the database one trivial thing and renders a template."""
    app = FastAPI()
    template = Environment(autoescape=True).from_string(
        "<!doctype html><html lang=zh-CN><title>{{ title }}</title><p>{{ value }}</p></html>"
    )

    @app.get("/bare", response_class=HTMLResponse)
    async def bare() -> HTMLResponse:
        async with database.sessionmaker() as session:
            value = await session.scalar(text("SELECT count(*) FROM app_user WHERE id = 1"))
        return HTMLResponse(template.render(title="bare", value=value))

    return app


async def signed_in(app: FastAPI, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench.local"
    )
    form = await client.get("/console/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"username": username, "password": PASSWORD, "csrf_token": token}
    answer = await client.post("/console/login", data=data)
    assert answer.status_code == 303, answer.text[:500]
    return client


async def timed(client: httpx.AsyncClient, path: str, rounds: int) -> list[float]:
    for _ in range(3):  # warm: statement caches, template compilation
        answer = await client.get(path)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def measure(url: str, batches: int, rounds: int) -> dict[str, list[float]]:
    database = Database(create_engine(url))
    app = create_app(settings_for(url), database)
    deep = encode_cursor(BATCH_ORDERS["-id"], [max(2, batches // 20)])
    pages = {
        "regulator": {
            "dashboard (regulator)": "/console",
            "batches list, first page": "/console/batches",
            "batches list, deep cursor page": f"/console/batches?cursor={deep}",
            "batches list, search by name": "/console/batches?q=%E7%AC%AC17%E5%8F%B7",
            "work queues": "/console/queues",
            "licences list, search by name": "/console/licences?q=%E7%AC%AC17%E5%8F%B7",
            "suspicious codes list": "/console/scans/suspicious",
            "consumer reports list": "/console/reports",
            "revocations list, search": "/console/revocations?q=%E7%AC%AC17%E5%8F%B7",
            "batch page": f"/console/batches/{batches // 2}",
        },
        "licensee": {"dashboard (licensee)": "/console"},
        "admin": {"users list": "/console/admin/users", "API keys": "/console/admin/keys"},
    }
    results: dict[str, list[float]] = {}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bare_app(database)), base_url="http://bench.local"
        ) as bare:
            results["bare FastAPI + Jinja page (baseline)"] = await timed(bare, "/bare", rounds)
        async with app.router.lifespan_context(app):
            for username, paths in pages.items():
                client = await signed_in(app, username)
                try:
                    for title, path in paths.items():
                        results[title] = await timed(client, path, rounds)
                finally:
                    await client.aclose()
    finally:
        await database.engine.dispose()
    return results


def report(
    labels: int, batches: int, scans: int, results: dict[str, list[float]], small: bool
) -> None:
    base = statistics.median(next(iter(results.values())))
    lines = [
        "| page | median ms | p95 ms | × baseline | ≤ 100 ms |",
        "|---|---:|---:|---:|---|",
    ]
    for title, times in results.items():
        median = statistics.median(times)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        ok = "yes" if median <= BUDGET_MS else "**no**"
        lines.append(f"| {title} | {median:.1f} | {p95:.1f} | {median / base:.1f} | {ok} |")
    table = "\n".join(lines)
    load = os.getloadavg()[0]
    print(table)
    print(f"load average {load:.1f} on {os.cpu_count()} cores")
    scale = f"{labels:,} labels, {batches:,} batches, {scans:,} scans"
    body = (
        f"`python benchmarks/bench_console.py{' --small' if small else ''}`: {scale} in PostgreSQL;"
        " each page requested in-process (ASGI) as a signed-in user, 3 warm-up requests then"
        " the median and p95 of the rounds. The baseline is a bare FastAPI + Jinja2 page on the"
        " same engine running one trivial query. Load average during the run:"
        f" {load:.1f} on {os.cpu_count()} cores (a shared machine: every time here grows"
        " with it).\n\n" + table
    )
    title = "Console pages (issue 12)" + (" — small" if small else "")
    write_section(title, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--small", action="store_true", help="10^4 labels, 100 batches, 10^4 scans")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the loaded database")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    labels, batches, scans = (10_000, 100, 10_000) if args.small else (1_000_000, 10_000, 1_000_000)
    asyncio.run(prepare(args.server, labels, batches, scans, args.reuse))
    try:
        results = asyncio.run(measure(url_of(args.server, labels), batches, args.rounds))
    finally:
        if not args.reuse:
            asyncio.run(
                _admin(
                    args.server, f'DROP DATABASE IF EXISTS "{database_name(labels)}" WITH (FORCE)'
                )
            )
    report(labels, batches, scans, results, args.small)


if __name__ == "__main__":
    main()
