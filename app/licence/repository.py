from __future__ import annotations

from sqlalchemy import Select, func, select

from app.auth.principal import Principal
from app.label.models import BatchStatus, LabelBatch
from app.licence.models import Licence


def readable_licences(principal: Principal) -> Select[Licence]:
    """The one place that scopes licences: a licensee sees only its enterprise's."""
    query = select(Licence)
    if principal.is_licensee:
        query = query.where(Licence.enterprise_id == principal.enterprise_id)
    return query


def readable_licence(principal: Principal, licence_id: int, *, for_update: bool) -> Select[Licence]:
    """One licence; ``for_update`` row-locks it (PostgreSQL) and re-reads it even if the session
    already holds it, so a transition or a quota check sees the last committed state."""
    query = readable_licences(principal).where(Licence.id == licence_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return query


def labels_requested(licence_id: int, season: int) -> Select[int]:
    # The quota is the licence's rule, but what counts against it are label batches; read
    # here (not through the label service) because the label service itself asks for quotas.
    return select(func.coalesce(func.sum(LabelBatch.quantity), 0)).where(
        LabelBatch.licence_id == licence_id,
        LabelBatch.season == season,
        LabelBatch.status != BatchStatus.REJECTED,
    )
