from __future__ import annotations

from sqlalchemy import Select, select

from app.idempotency.models import IdempotencyRecord


def record_for(scope: str, key: str) -> Select[IdempotencyRecord]:
    """The record of ``key`` within its owner's ``scope`` (keys are scoped, see the service)."""
    return select(IdempotencyRecord).where(
        IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
    )
