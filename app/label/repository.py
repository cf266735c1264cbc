from __future__ import annotations

from sqlalchemy import Select, select

from app.auth.principal import Principal
from app.label.models import Label, LabelBatch


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
