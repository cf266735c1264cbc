from __future__ import annotations

from sqlalchemy import Select, func, select

from app.core.principal import Principal
from app.label.models import Label, LabelBatch, LabelStatus


def readable_batches(principal: Principal) -> Select[LabelBatch]:
    """The one place that scopes batches (and through them labels) to the caller."""
    query = select(LabelBatch)
    if principal.is_licensee:
        query = query.where(LabelBatch.enterprise_id == principal.enterprise_id)
    return query


def readable_batch(principal: Principal, batch_id: int, *, for_update: bool) -> Select[LabelBatch]:
    """One batch; ``for_update`` row-locks it (PostgreSQL) and re-reads it even if the session
    already holds it, so a decision is taken on the state as committed by the last decider."""
    query = readable_batches(principal).where(LabelBatch.id == batch_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return query


def readable_labels(principal: Principal) -> Select[Label]:
    query = select(Label)
    if principal.is_licensee:
        query = query.join(LabelBatch, LabelBatch.id == Label.batch_id).where(
            LabelBatch.enterprise_id == principal.enterprise_id
        )
    return query


def printable_codes(batch_id: int, after: int, last: int, limit: int) -> Select[int, str]:
    """(serial, code) of the labels to print in serials (after, last], in serial order."""
    return (
        select(Label.serial, Label.code)
        .where(Label.batch_id == batch_id, Label.serial > after, Label.serial <= last)
        .where(Label.status.not_in(LabelStatus.taken_out()))
        .order_by(Label.serial)
        .limit(limit)
    )


def status_counts(batch_id: int, first: int, last: int) -> Select[LabelStatus, int]:
    """How many labels of each status the serials first..last hold."""
    return (
        select(Label.status, func.count())
        .where(Label.batch_id == batch_id, Label.serial >= first, Label.serial <= last)
        .group_by(Label.status)
    )
