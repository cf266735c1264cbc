from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Keyset
from app.core.principal import Principal
from app.core.search import contains_text, starts_with
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.licence.models import Licence, LicenceStatus
from app.registry.models import GIProduct


def readable_licences(principal: Principal) -> Select[Licence]:
    """The one place that scopes licences: a licensee sees only its enterprise's, a bureau
    those of the enterprises in its jurisdiction."""
    query = select(Licence)
    if principal.is_licensee:
        query = query.where(Licence.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(Licence.enterprise_id.in_(reach))
    return query


def readable_licence(principal: Principal, licence_id: int, *, for_update: bool) -> Select[Licence]:
    """One licence; ``for_update`` row-locks it (PostgreSQL) and re-reads it even if the session
    already holds it, so a transition or a quota check sees the last committed state."""
    query = readable_licences(principal).where(Licence.id == licence_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return query


# The orders the licence list may be read in: by id (the primary key's index). Ids are handed
# out as applications arrive, so "-id" is newest application first and "id" is the queue's
# order (oldest waiting first).
LICENCE_ORDERS = {
    "-id": Keyset("licences:-id", (Licence.id,), descending=True),
    "id": Keyset("licences:id", (Licence.id,), descending=False),
}


def licences_listed(
    principal: Principal, status_is: ColumnElement[bool] | None, q: str | None
) -> Select[Licence]:
    """The caller's licences, optionally reading as one state (``status_is``, the model's
    effective-status filter) or matching ``q``; the keyset paginator orders them."""
    query = readable_licences(principal)
    if status_is is not None:
        query = query.where(status_is)
    if q and q.strip():
        query = query.where(licence_matches(q.strip()))
    return query


def licence_matches(text: str) -> ColumnElement[bool]:
    """A substring of the licence number, the enterprise's name or USCC, or the product's
    name (Chinese or English). Names through id subqueries: those tables are small."""
    enterprises = select(Enterprise.id).where(
        or_(contains_text(Enterprise.name, text), contains_text(Enterprise.uscc, text))
    )
    products = select(GIProduct.id).where(
        or_(contains_text(GIProduct.name_zh, text), contains_text(GIProduct.name_en, text))
    )
    return or_(
        contains_text(Licence.number, text),
        Licence.enterprise_id.in_(enterprises),
        Licence.product_id.in_(products),
    )


def open_licence_of(enterprise_id: int, product_id: int) -> Select[int]:
    """The id of an application or licence still open for this enterprise and product."""
    return select(Licence.id).where(
        Licence.enterprise_id == enterprise_id,
        Licence.product_id == product_id,
        Licence.status.in_(LicenceStatus.open()),
    )


def numbers_taken(prefix: str) -> Select[int]:
    """How many licence numbers start with ``prefix`` (the product's and year's)."""
    return select(func.count()).where(starts_with(Licence.number, prefix))


def public_register(q: str | None) -> Select[Licence, str, str, bool, GIProduct]:
    """The public register's rows (listed states only), optionally searched by enterprise
    name, USCC or GI product: (licence, enterprise name, USCC, demo enterprise, product)."""
    query = (
        select(Licence, Enterprise.name, Enterprise.uscc, Enterprise.is_demo, GIProduct)
        .join(Enterprise, Enterprise.id == Licence.enterprise_id)
        .join(GIProduct, GIProduct.id == Licence.product_id)
        .where(Licence.status.in_(LicenceStatus.listed()))
        .order_by(GIProduct.code, Enterprise.name, Licence.id)
    )
    if q and q.strip():
        wanted = q.strip()
        columns = (
            Enterprise.name,
            Enterprise.uscc,
            GIProduct.name_zh,
            GIProduct.name_en,
            GIProduct.code,
        )
        query = query.where(or_(*(contains_text(column, wanted) for column in columns)))
    return query


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
