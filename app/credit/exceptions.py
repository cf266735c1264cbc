"""The errors of the credit list, each with its HTTP status and stable problem code."""

from __future__ import annotations

from datetime import date

from app.core.errors import Conflict


class CreditListed(Conflict):
    """The enterprise is on the credit list: no new licence, no new batch until it ends."""

    code = "credit_listed"

    def __init__(self, what: str, *, listing_id: int, reason: str, ends_on: date) -> None:
        super().__init__(
            f"the enterprise is on the credit list (严重违法失信名单) until {ends_on.isoformat()}:"
            f" {what} is refused while it is listed. Reason: {reason}",
            listing_id=listing_id,
            listing_reason=reason,
            listed_until=ends_on.isoformat(),
        )
