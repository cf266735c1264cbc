"""The errors of consumer reports, each with its HTTP status and stable problem code."""

from __future__ import annotations

from app.core.errors import DomainError


class PhotoRejected(DomainError):
    """422 with ``code`` photo_too_large, photo_type or photo_corrupt."""

    status = 422

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class DescriptionTooShort(DomainError):
    status, code = 422, "description_too_short"


class TooManyReports(DomainError):
    status, code = 429, "too_many_reports"


class NotADivision(DomainError):
    """422: a division code (place of purchase, referral target) that is not a current
    GB/T 2260 code."""

    status, code = 422, "not_a_division"
