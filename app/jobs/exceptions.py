from __future__ import annotations

from app.core.errors import DomainError


class PrintFileExpired(DomainError):
    """The job's file was deleted after the retention period (or is missing): ask again."""

    status, code = 410, "print_file_expired"
