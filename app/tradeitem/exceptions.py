"""The errors of trade items, each with its HTTP status and stable problem code."""

from __future__ import annotations

from app.core.errors import Conflict, Unprocessable


class GTINTaken(Conflict):
    code = "gtin_taken"


class ItemNotForThisLicence(Unprocessable):
    """A batch names an item of another enterprise or of another GI product."""

    code = "item_not_for_this_licence"
