"""The errors of enterprises, each with its HTTP status and stable problem code."""

from __future__ import annotations

from app.core.errors import Conflict


class USCCTaken(Conflict):
    code = "uscc_taken"
