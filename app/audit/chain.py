"""The hash chain: a canonical encoding of an event and the SHA-256 that links it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept: the same event always encodes to the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def event_hash(fields: dict[str, Any]) -> str:
    """Hash of one event's content and its predecessor's hash (``prev_hash`` is in ``fields``)."""
    content = dict(fields)
    content["occurred_at"] = _timestamp(content["occurred_at"])
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor",
    "actor_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "reason",
    "request_id",
    "prev_hash",
)
