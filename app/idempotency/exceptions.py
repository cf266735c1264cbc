"""The errors of idempotent requests, each with its HTTP status and stable problem code."""

from __future__ import annotations

from app.core.errors import Conflict, DomainError, Unprocessable


class IdempotencyKeyMissing(DomainError):
    status, code = 400, "idempotency_key_missing"


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
