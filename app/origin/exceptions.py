"""The refusals of the origin domain, each with its HTTP status and stable problem code."""

from __future__ import annotations

from app.core.errors import Conflict, Unprocessable


class OutsideProtectedArea(Unprocessable):
    """A base or a seller lies outside the GI product's protected area."""

    code = "origin_outside_protected_area"


class OriginRequired(Unprocessable):
    """The product requires every batch to name its lot's sources, and none were named."""

    code = "origin_required"


class SourceNotUsable(Unprocessable):
    """A named source is of another enterprise or another GI product."""

    code = "source_not_usable"


class MassBalanceExceeded(Conflict):
    """The lot claims more finished product than its sources supplied × the processing factor."""

    code = "mass_balance_exceeded"


class SourceOverdrawn(Conflict):
    """A harvest or purchase would be drawn beyond its quantity across lots."""

    code = "source_overdrawn"


class HarvestBeyondYield(Conflict):
    """A base's harvests in one year exceed what its area could plausibly yield."""

    code = "harvest_beyond_yield"
