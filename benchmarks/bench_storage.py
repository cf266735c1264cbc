"""Storage per label and per scan, and the label index's depth, on the verify benchmark's
databases: the measured inputs of the capacity model in docs/scaling.md.

    python benchmarks/bench_storage.py [--counts 10000,1000000,10000000]

Reads the databases ``bench_verify.py --reuse`` leaves (``gimark_bench_verify_<count>``), whose
scan tables hold the scans its verify rounds recorded; a count without a database is skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_verify import SERVER, _admin, database_name, url_of
from sqlalchemy import text

from app.core.db import create_engine

TABLES = ("label", "scan", "label_scan_stat")


async def measure(server: str, count: int) -> dict[str, Any] | None:
    (found,) = await _admin(
        server, f"SELECT 1 FROM pg_database WHERE datname = '{database_name(count)}'"
    )
    if not found:
        return None
    engine = create_engine(url_of(server, count))
    try:
        async with engine.connect() as connection:
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            out: dict[str, Any] = {"labels": count}
            for table in TABLES:
                rows, heap, total = (
                    await connection.execute(
                        text(
                            f"SELECT count(*), pg_relation_size('{table}'),"
                            f" pg_total_relation_size('{table}') FROM {table}"
                        )
                    )
                ).one()
                out[table] = {"rows": rows, "heap": heap, "total": total}
            out["label_btree_levels"] = (
                1
                + (
                    await connection.execute(text("SELECT level FROM bt_metap('pk_label')"))
                ).scalar_one()
            )
            await connection.commit()
            return out
    finally:
        await engine.dispose()


def per_row(table: dict[str, int]) -> str:
    if not table["rows"]:
        return "–"
    return f"{table['total'] / table['rows']:.0f} B ({table['heap'] / table['rows']:.0f} B heap)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="10000,1000000,10000000")
    parser.add_argument("--url", default=SERVER)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    found = [asyncio.run(measure(args.url, int(n))) for n in args.counts.split(",")]
    results = [r for r in found if r is not None]
    rows = "\n".join(
        f"| {r['labels']:,} | {per_row(r['label'])} | {r['scan']['rows']:,} | {per_row(r['scan'])} "
        f"| {r['label_scan_stat']['rows']:,} | {per_row(r['label_scan_stat'])} | {r['label_btree_levels']} |"
        for r in results
    )
    body = f"""
Bytes per row including indexes (heap alone in brackets), PostgreSQL, after
`bench_verify.py --reuse` loaded the labels (COPY, then VACUUM ANALYZE) and recorded its
verify rounds' scans. Index depth: levels of the label primary key's B-tree (a lookup reads
one page per level). Inputs of the capacity model in `docs/scaling.md`.

| labels | per label | scans recorded | per scan | codes with totals | per code's totals | label index levels |
|---|---|---|---|---|---|---|
{rows}
"""
    print(body)
    if not args.no_write:
        from results import write_section

        write_section("Storage per label and per scan", body)


if __name__ == "__main__":
    main()
