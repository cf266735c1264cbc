"""The errors of the public check, each with its HTTP status and stable problem code."""

from __future__ import annotations

from app.core.errors import DomainError, NotFound


class BadGTIN(DomainError):
    """A GS1 Digital Link whose GTIN is not one (length, digits or check digit): a mistyped
    or damaged link, answered before any lookup."""

    status, code = 400, "bad_gtin"


class NoSuchLink(NotFound):
    """A linkset asked for a key this resolver does not know."""

    code = "no_such_link"
