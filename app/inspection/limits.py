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


def places(*numbers: Decimal | None) -> int:
    """Decimal places an item is reported at: as many as its value or limits need
    (9.0000 stored for "9.0" reads back as 9, and 8.5 needs one place)."""
    exponents = [n.normalize().as_tuple().exponent for n in numbers if n is not None]
    return max([0, *(-e for e in exponents if isinstance(e, int))])


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
