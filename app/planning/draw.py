"""The random inspection draw (双随机), and a checker anyone can run against a published plan.

Standard library only and no gimark imports, so this one file can be copied and run without
installing gimark::

    python draw.py https://gi.example.cn/api/v1/public/inspection-plans/7
    python -m app.planning.draw plan.json        # or "-" to read standard input
    gimark plan redraw plan.json

The input is the JSON of ``GET /api/v1/public/inspection-plans/{id}``. The checker re-runs the
draw from the published seed and inputs, prints whether the drawn targets and the assigned
inspectors match the published ones, and exits 0 if they do, 1 if they do not and 2 if the plan
cannot be read or names an algorithm this file does not implement.

The algorithm is the text of ``ALGORITHM`` below, stored verbatim with every plan
(``InspectionPlan.algorithm``) and published with it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

ALGORITHM_NAME = "gimark-draw-v1"
ALGORITHM = """gimark-draw-v1
Inputs, all published with the plan: the seed (printable ASCII text); the population, a list
of targets, each a unique public key (a licence number, or "licence number/lot number" for a
batch) and the USCC of its enterprise; the sample, either a size s or a fraction f written as
a decimal; the inspector pool (user ids); the excluded pairs (inspector id, USCC), one per
declared conflict of interest; k, the number of inspectors per target.
H(t) is the SHA-256 digest of the UTF-8 text t, as 64 lower-case hexadecimal digits.
1. Sample size. N is the population size. n = ceil(f x N), computed exactly (f as a decimal
   fraction, no floating point), when a fraction is given; otherwise n = s. n is capped at N.
2. Targets. Sort the population by (H(seed + "|target|" + key), key) ascending. The first n
   are drawn; their position in this order is their rank (1 to n).
3. Inspectors. For each drawn target, in rank order: the eligible inspectors are the pool
   without those excluded with the target's USCC. Sort them by (the number of targets already
   assigned to the inspector in this draw, H(seed + "|inspector|" + key + "|" + id), id)
   ascending, where id is the inspector id in decimal, and assign the first k. If fewer than
   k are eligible, there is no draw: the pool must be widened.
"""


class DrawRefused(ValueError):
    """The inputs admit no draw (too few eligible inspectors, duplicate keys, bad sample)."""


@dataclass(frozen=True)
class Target:
    key: str
    enterprise: str  # the USCC of the enterprise the target belongs to


@dataclass(frozen=True)
class DrawInput:
    seed: str
    population: Sequence[Target]
    pool: Sequence[int]
    excluded: frozenset[tuple[int, str]] = frozenset()
    inspectors_per_target: int = 1
    sample_size: int | None = None
    sample_fraction: str | None = None


@dataclass(frozen=True)
class Drawn:
    rank: int
    key: str
    enterprise: str
    inspectors: tuple[int, ...]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sample_count(population_size: int, size: int | None, fraction: str | None) -> int:
    """Step 1: how many targets to draw."""
    if (size is None) == (fraction is None):
        raise DrawRefused("give either a sample size or a sample fraction, not both")
    if fraction is not None:
        share = Fraction(fraction)
        if not 0 < share <= 1:
            raise DrawRefused(f"the sample fraction must be above 0 and at most 1, not {fraction}")
        return min(math.ceil(share * population_size), population_size)
    assert size is not None
    if size < 1:
        raise DrawRefused(f"the sample size must be at least 1, not {size}")
    return min(size, population_size)


def rank_targets(seed: str, population: Iterable[Target]) -> list[Target]:
    """Step 2: the whole population in draw order."""
    return sorted(population, key=lambda t: (digest(f"{seed}|target|{t.key}"), t.key))


def assign_inspectors(
    seed: str,
    targets: Sequence[Target],
    pool: Sequence[int],
    excluded: frozenset[tuple[int, str]],
    per_target: int,
) -> list[Drawn]:
    """Step 3: inspectors for the drawn targets, in rank order, spreading the load."""
    load: Counter[int] = Counter()
    drawn = []
    for rank, target in enumerate(targets, start=1):
        eligible = [i for i in pool if (i, target.enterprise) not in excluded]
        if len(eligible) < per_target:
            raise DrawRefused(
                f"target {target.key} (enterprise {target.enterprise}) has {len(eligible)} "
                f"eligible inspector(s), {per_target} needed: widen the inspector pool"
            )

        def order(inspector: int, key: str = target.key) -> tuple[int, str, int]:
            return load[inspector], digest(f"{seed}|inspector|{key}|{inspector}"), inspector

        chosen = tuple(sorted(eligible, key=order)[:per_target])
        load.update(chosen)
        drawn.append(Drawn(rank, target.key, target.enterprise, chosen))
    return drawn


def _check_input(spec: DrawInput) -> None:
    if not spec.seed or not spec.seed.isascii() or not spec.seed.isprintable():
        raise DrawRefused("the seed must be printable ASCII text")
    repeated = [k for k, n in Counter(t.key for t in spec.population).items() if n > 1]
    if repeated:
        raise DrawRefused(f"population keys must be unique; repeated: {', '.join(repeated)}")
    if len(set(spec.pool)) != len(spec.pool):
        raise DrawRefused("an inspector is listed twice in the pool")
    if spec.inspectors_per_target < 1:
        raise DrawRefused("at least one inspector per target")


def draw(spec: DrawInput) -> list[Drawn]:
    """The whole draw: targets in rank order, each with its inspectors."""
    _check_input(spec)
    n = sample_count(len(spec.population), spec.sample_size, spec.sample_fraction)
    targets = rank_targets(spec.seed, spec.population)[:n]
    return assign_inspectors(
        spec.seed, targets, spec.pool, spec.excluded, spec.inspectors_per_target
    )


# --- checking a published plan ----------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    matches: bool
    lines: list[str]


def input_from_published(plan: dict[str, Any]) -> DrawInput:
    """The draw's inputs as ``GET /api/v1/public/inspection-plans/{id}`` publishes them."""
    name = str(plan.get("algorithm", "")).split("\n", 1)[0].strip()
    if name != ALGORITHM_NAME:
        raise DrawRefused(f"the plan uses algorithm {name!r}; this checker runs {ALGORITHM_NAME}")
    published = plan["draw_input"]
    fraction = plan.get("sample_fraction")
    return DrawInput(
        seed=str(plan["seed"]),
        population=[Target(str(t["key"]), str(t["enterprise"])) for t in published["population"]],
        pool=[int(i["id"]) for i in published["pool"]],
        excluded=frozenset(
            (int(p["inspector"]), str(p["enterprise"])) for p in published["excluded"]
        ),
        inspectors_per_target=int(plan["inspectors_per_target"]),
        sample_size=None if fraction is not None else int(plan["sample_size"]),
        sample_fraction=None if fraction is None else str(fraction),
    )


def _published_draw(plan: dict[str, Any]) -> list[Drawn]:
    return [
        Drawn(int(t["rank"]), str(t["key"]), str(t["enterprise"]), tuple(map(int, t["inspectors"])))
        for t in sorted(plan["targets"], key=lambda t: int(t["rank"]))
    ]


def _differences(published: list[Drawn], again: list[Drawn]) -> list[str]:
    lines = []
    if len(published) != len(again):
        lines.append(f"published {len(published)} targets, the re-run draws {len(again)}")
    for mine, theirs in zip(published, again, strict=False):
        if mine.key != theirs.key or mine.rank != theirs.rank:
            lines.append(f"rank {theirs.rank}: published {mine.key}, the re-run draws {theirs.key}")
        elif mine.inspectors != theirs.inspectors:
            lines.append(
                f"rank {theirs.rank} ({theirs.key}): published inspectors "
                f"{list(mine.inspectors)}, the re-run assigns {list(theirs.inspectors)}"
            )
    return lines


def check(plan: dict[str, Any]) -> Check:
    """Re-run a published plan's draw and compare it with what was published."""
    spec = input_from_published(plan)
    again = draw(spec)
    differences = _differences(_published_draw(plan), again)
    title = f"plan {plan.get('id', '?')} ({ALGORITHM_NAME}, seed {spec.seed})"
    if differences:
        return Check(False, [f"MISMATCH {title}:", *differences])
    pairs = sum(len(d.inspectors) for d in again)
    summary = (
        f"match: {title}: {len(again)} of {len(spec.population)} targets and "
        f"{pairs} inspector assignments reproduce the published draw"
    )
    return Check(True, [summary])


def load(source: str) -> dict[str, Any]:
    """A published plan from a file, an http(s) URL or ``-`` (standard input)."""
    if source == "-":
        data = json.load(sys.stdin)
    elif source.startswith(("http://", "https://")):
        # The scheme is checked just above, so no file:// or custom scheme can be opened.
        headers = {"Accept": "application/json"}
        request = urllib.request.Request(source, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            data = json.load(response)
    else:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise DrawRefused("a published plan is a JSON object")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.planning.draw",
        description="Re-run a published gimark inspection draw and say whether it matches.",
    )
    parser.add_argument("plan", help="plan JSON: a file, an http(s) URL, or - for stdin")
    source = parser.parse_args(argv).plan
    try:
        result = check(load(source))
    except (OSError, ValueError, KeyError, TypeError) as exc:  # DrawRefused is a ValueError
        print(f"cannot check {source}: {exc}", file=sys.stderr)
        return 2
    print("\n".join(result.lines))
    return 0 if result.matches else 1


if __name__ == "__main__":
    sys.exit(main())
