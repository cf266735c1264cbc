"""Judging measured values against the GI standard's limits.

The result of an inspection is computed here, never typed in: each item passes when its
value lies within the inclusive bounds its standard sets (either bound may be open), and the
inspection passes only when every item the product defines was measured and passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.core.errors import Unprocessable
from app.registry.models import TestItem


@dataclass(frozen=True, slots=True)
class ItemVerdict:
    item: TestItem
    value: Decimal
    passed: bool


def within(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def judge(items: Sequence[TestItem], measured: Mapping[str, Decimal]) -> list[ItemVerdict]:
    """One verdict per test item, in the product's order; refuses missing or unknown items."""
    defined = {item.code for item in items}
    missing = sorted(defined - measured.keys())
    unknown = sorted(measured.keys() - defined)
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing a value for {', '.join(missing)}")
        if unknown:
            parts.append(f"not test items of this product: {', '.join(unknown)}")
        raise Unprocessable(
            "every test item of the GI standard needs one measured value; " + "; ".join(parts),
            missing=missing,
            unknown=unknown,
        )
    return [
        ItemVerdict(
            item, measured[item.code], within(measured[item.code], item.min_value, item.max_value)
        )
        for item in items
    ]


def overall(verdicts: Sequence[ItemVerdict]) -> bool:
    return bool(verdicts) and all(v.passed for v in verdicts)
