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


def reported_places(value: Decimal) -> int:
    """Places the value was written with, trailing zeros included: "8.50" → 2, "10" → 0."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def places(*numbers: Decimal | None, reported: int | None = None) -> int:
    """Decimal places to print an item at: those the lab reported the value at, or more if a
    limit needs them (a limit stored as 9.0000 needs none; 2.25 needs two)."""
    needed = [reported_places(n.normalize()) for n in numbers if n is not None]
    return max([reported or 0, *needed])


def _fixed(number: Decimal, digits: int) -> str:
    return f"{number:.{digits}f}"


def with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def value_text(value: Decimal, digits: int, unit: str) -> str:
    return with_unit(_fixed(value, digits), unit)


def limits_text(low: Decimal | None, high: Decimal | None, unit: str, digits: int) -> str:
    """The limits as a person reads them: "≤ 9.0 %", "≥ 2.5 g/100g", "2.0–9.0 mm"."""
    if low is not None and high is not None:
        return with_unit(f"{_fixed(low, digits)}–{_fixed(high, digits)}", unit)
    if high is not None:
        return with_unit(f"≤ {_fixed(high, digits)}", unit)
    if low is not None:
        return with_unit(f"≥ {_fixed(low, digits)}", unit)
    return "—"
