"""Public verification of this checkout against an earlier revision, side by side.

    python benchmarks/bench_refactor.py --before 18dd404 [--labels 1000000] [--rounds 3]

For a change that must leave the hot path as fast as it was (the structure issue: "verify
within ±5 points of before, over 3 alternating rounds"). The earlier revision is exported
with ``git archive`` into a temporary folder; both apps serve the same PostgreSQL database
(one uvicorn worker each, the options of ``bench_verify.py``), each on its own port, and wrk
loads them in turn: before, after, before, after … Each round is a pair measured back to back,
so the machine's drifting load falls on both sides alike; the figure is the median of the
per-round ratios after/before (throughput, and p99 latency).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_verify import (
    ROOT,
    SERVER,
    codes_script,
    prepare,
    sample_codes,
    start_server,
    wrk,
)

PORTS = {"before": 8795, "after": 8796}


def export(revision: str, folder: Path) -> Path:
    """The earlier revision's tree, without touching this checkout."""
    target = folder / "before"
    target.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def measure(args: argparse.Namespace, folder: Path) -> list[dict[str, dict[str, float]]]:
    asyncio.run(prepare(args.url, args.labels, reuse=True))
    codes = asyncio.run(sample_codes(args.url, args.labels, min(args.labels, args.codes)))
    script = codes_script(codes, folder)
    roots = {"before": export(args.before, folder), "after": ROOT}
    servers = {
        side: start_server(
            args.url,
            args.labels,
            folder / f"{side}.log",
            300.0,
            port=PORTS[side],
            root=roots[side],
        )
        for side in ("before", "after")
    }
    try:
        for side in servers:  # warm both up
            wrk(script, 3, script=True, port=PORTS[side])
        rounds = []
        for number in range(1, args.rounds + 1):
            this = {}
            for side in ("before", "after") if number % 2 else ("after", "before"):
                this[side] = result = wrk(script, args.seconds, script=True, port=PORTS[side])
                print(
                    f"round {number}  {side:>6}: {result['rate']:>8,.0f} req/s"
                    f"  p99 {result['p99_ms']:.1f} ms  non-2xx {result['non_2xx']:.0f}"
                )
            rounds.append(this)
        return rounds
    finally:
        for process in servers.values():
            process.terminate()
            process.wait(timeout=30)


def report(args: argparse.Namespace, rounds: list[dict[str, dict[str, float]]]) -> None:
    rate = statistics.median(r["after"]["rate"] / r["before"]["rate"] for r in rounds)
    p99 = statistics.median(r["after"]["p99_ms"] / r["before"]["p99_ms"] for r in rounds)
    failed = sum(r[side]["non_2xx"] for r in rounds for side in r)
    print(
        f"after/before: throughput {rate:.0%} (target 95–105 %), p99 {p99:.2f}×, "
        f"non-2xx {failed:.0f}"
    )
    if args.no_write:
        return
    from results import write_section

    lines = "\n".join(
        f"| {i} | {r['before']['rate']:,.0f} | {r['before']['p99_ms']:.1f} "
        f"| {r['after']['rate']:,.0f} | {r['after']['p99_ms']:.1f} "
        f"| {r['after']['rate'] / r['before']['rate']:.0%} |"
        for i, r in enumerate(rounds, start=1)
    )
    write_section(
        "Verify before and after a refactoring",
        f"`python benchmarks/bench_refactor.py --before {args.before} --labels {args.labels}`: "
        f"this checkout against revision `{args.before}`, {args.labels:,} labels on PostgreSQL, "
        f"one uvicorn worker each, wrk -t1 -c32, {args.seconds} s per side, alternating.\n\n"
        "| round | before req/s | before p99 ms | after req/s | after p99 ms | after/before |\n"
        "|---|---|---|---|---|---|\n"
        f"{lines}\n\n"
        f"Median after/before: throughput **{rate:.0%}** (target: within ±5 points, 95–105 %), "
        f"p99 **{p99:.2f}×**; non-2xx responses: {failed:.0f}.",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, help="the git revision to compare with")
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--codes", type=int, default=50_000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    parser.add_argument("--url", default=SERVER)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rounds = measure(args, Path(tmp))
    report(args, rounds)


if __name__ == "__main__":
    main()
