"""The ``Idempotency-Key`` contract for requests that must not run twice.

Same key and same body → the first response again; same key, other body → 422; a key is
scoped to its owner (the licensee's enterprise), so two enterprises never collide. The record
is written before the work, in a savepoint: of two concurrent requests with one key, the
second waits on the unique index, then replays the first's committed response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.idempotency import repository
from app.idempotency.exceptions import (
    IdempotencyInProgress,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
)
from app.idempotency.models import IdempotencyRecord

Work = Callable[[], Awaitable[tuple[int, Any]]]


def scope_of(principal: Principal) -> str:
    if principal.enterprise_id is not None:
        return f"enterprise:{principal.enterprise_id}"
    return f"{principal.kind}:{principal.id}"


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _find(session: AsyncSession, scope: str, key: str) -> IdempotencyRecord | None:
    record: IdempotencyRecord | None = await session.scalar(repository.record_for(scope, key))
    return record


def _replay(record: IdempotencyRecord, digest: str) -> tuple[int, Any]:
    if record.request_hash != digest:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used for a different request; use a new key"
        )
    if record.status_code == 0:
        raise IdempotencyInProgress("a request with this Idempotency-Key is still running; retry")
    return record.status_code, record.response_body


async def run_once(
    session: AsyncSession, principal: Principal, key: str | None, digest: str, work: Work
) -> tuple[int, Any]:
    if not key:
        raise IdempotencyKeyMissing(
            "send an Idempotency-Key header (any unique string per request)"
        )
    scope = scope_of(principal)
    existing = await _find(session, scope, key)
    if existing is not None:
        return _replay(existing, digest)
    record = IdempotencyRecord(scope=scope, key=key, request_hash=digest, status_code=0)
    try:
        async with session.begin_nested():
            session.add(record)
    except IntegrityError:
        winner = await _find(session, scope, key)
        if winner is None:
            raise
        return _replay(winner, digest)
    status, body = await work()
    record.status_code, record.response_body = status, body
    await session.flush()
    return status, body
