from __future__ import annotations

from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
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


# Any constant works; with the product id it names one lock per GI product (the two-key form
# never collides with the audit ledger's one-key lock).
NUMBERING_LOCK_SPACE = 0x4C4E4F  # "LNO"


async def lock_numbering(session: AsyncSession, product_id: int) -> None:
    """Until commit, no other approval of this product's licences can pick a number: numbers
    are counted (next = count + 1), so two approvals at once would pick the same one. SQLite
    needs nothing: its writers already take turns."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :product_id)"),
            {"space": NUMBERING_LOCK_SPACE, "product_id": product_id},
        )
