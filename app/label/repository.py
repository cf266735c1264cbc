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


def readable_labels(principal: Principal) -> Select[Label]:
    query = select(Label)
    if principal.is_licensee:
        query = query.join(LabelBatch, LabelBatch.id == Label.batch_id).where(
            LabelBatch.enterprise_id == principal.enterprise_id
        )
    return query
