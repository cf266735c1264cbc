"""The queries of the register: products with their test items, and the artwork column."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.core.organisations import Organisation
from app.core.principal import OrgKind
from app.core.search import contains_text
from app.registry.models import GIProduct, LegalRoute, TestItem


def _with_items() -> Select[GIProduct]:
    return select(GIProduct).options(selectinload(GIProduct.test_items))


async def product_with_items(session: AsyncSession, product_id: int) -> GIProduct | None:
    return await session.scalar(_with_items().where(GIProduct.id == product_id))


def product_listing(route: LegalRoute | None = None, q: str | None = None) -> Select[GIProduct]:
    """Products with their test items in id order, for ``paginate``."""
    query = _with_items().order_by(GIProduct.id)
    if route is not None:
        query = query.where(GIProduct.route == route)
    if q:
        columns = (GIProduct.code, GIProduct.name_zh, GIProduct.name_en)
        query = query.where(or_(*(contains_text(column, q) for column in columns)))
    return query


async def code_taken(session: AsyncSession, code: str) -> bool:
    return await session.scalar(select(GIProduct.id).where(GIProduct.code == code)) is not None


async def artwork_of(
    session: AsyncSession, product_id: int
) -> Row[bytes | None, str | None] | None:
    """(artwork, artwork_media_type) of the product: the deferred column, read alone."""
    query = select(GIProduct.artwork, GIProduct.artwork_media_type).where(
        GIProduct.id == product_id
    )
    return (await session.execute(query)).first()


async def test_items_by_id(session: AsyncSession, item_ids: Sequence[int]) -> dict[int, TestItem]:
    rows = await session.scalars(select(TestItem).where(TestItem.id.in_(item_ids)))
    return {item.id: item for item in rows}


async def every_item_of(session: AsyncSession, product_id: int) -> list[TestItem]:
    """The product's test items, retired ones included: a code is unique per product, so an
    item named again must be found among the retired ones and brought back."""
    query = select(TestItem).where(TestItem.product_id == product_id).order_by(TestItem.id)
    return list(await session.scalars(query))


async def association(session: AsyncSession, organisation_id: int) -> Organisation | None:
    """The organisation, if it is an association (a mark's registrant must be one)."""
    found: Organisation | None = await session.scalar(
        select(Organisation).where(
            Organisation.id == organisation_id, Organisation.kind == OrgKind.ASSOCIATION
        )
    )
    return found


async def associations(session: AsyncSession) -> Sequence[Organisation]:
    query = (
        select(Organisation)
        .where(Organisation.kind == OrgKind.ASSOCIATION)
        .order_by(Organisation.name_zh, Organisation.id)
    )
    return (await session.scalars(query)).all()
