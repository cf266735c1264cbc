from __future__ import annotations

from app.core.errors import Unprocessable


class BadFilter(Unprocessable):
    """A filter the figures cannot be narrowed by (an unknown division, a reversed period);
    ``field`` names the filter, so the console shows the refusal next to it."""

    code = "bad_filter"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field = field
