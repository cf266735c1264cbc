"""How a published inspection item reads on the notices page.

Notices store their items as JSON, so the numbers come back as strings ("9.0000"); notices
published before items carried their own ``measured`` and ``limits`` texts are formatted
here the same way, from the limits stored with the notice.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from app.inspection import limits


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def item_texts(item: dict[str, Any]) -> tuple[str, str]:
    """(measured, limits) as a person reads them, e.g. ("8.5 %", "≤ 9.0 %")."""
    if item.get("measured") and item.get("limits"):
        return str(item["measured"]), str(item["limits"])
    value, low, high = (_number(item.get(k)) for k in ("value", "min_value", "max_value"))
    unit = str(item.get("unit") or "")
    digits = limits.places(value, low, high, reported=item.get("decimals"))
    measured = limits.value_text(value, digits, unit) if value is not None else "—"
    return measured, limits.limits_text(low, high, unit, digits)
