"""Helpers of the regulator-acts console tests: label codes from the test key, a batch with
labels in each state (so the confirmation's counts can be checked), and the audit actions
recorded on an object."""

from __future__ import annotations

from typing import Any

import factories
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.time import utcnow
from app.label.code import LabelCodec
from app.label.models import LabelBatch, LabelScanStat, LabelStatus


def codec_of(settings: Any) -> LabelCodec:
    return LabelCodec(settings.label_key_bytes(), settings.label_current_key_id)


async def batch_with_labels(
    session: Any, licence: Any, codec: LabelCodec, *, active: int, scanned: int, void: int = 0
) -> tuple[LabelBatch, list[str]]:
    """A batch with ``active`` live labels (the first ``scanned`` of them scanned) and
    ``void`` voided ones (scanned too: a count must leave them out)."""
    batch = await factories.batch(session, licence)
    codes = codec.mint_many(active + void)
    labels = await factories.labels(session, batch, codes)
    for label in labels[active:]:
        label.status = LabelStatus.VOID
    at = utcnow()
    for label in [*labels[:scanned], *labels[active:]]:
        session.add(
            LabelScanStat(code=label.code, scan_count=1, first_scanned_at=at, last_scanned_at=at)
        )
    await session.flush()
    return batch, codes


async def actions_on(session: Any, object_type: str, object_id: int) -> list[str]:
    found = await session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id)
        )
    )
    return list(found)
