"""GI products: the register regulators keep, and what labels and inspections read from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited, record_transition
from app.core.errors import Forbidden, NotFound
from app.core.organisations import Organisation
from app.core.pagination import PageParams, paginate
from app.core.permissions import can
from app.core.principal import Principal
from app.core.time import utcnow
from app.registry import repository
from app.registry.artwork import validate_artwork
from app.registry.exceptions import (
    BadRegistrant,
    DuplicateTestItem,
    MissingRouteFields,
    ProductCodeTaken,
)
from app.registry.models import GIProduct, LegalRoute, TestItem
from app.registry.schemas import ProductCreate, ProductFields, TestItemIn

AUDITED_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "route",
    "standard_number",
    "announcement_number",
    "trademark",
    "trademark_reg_number",
    "programme_document",
    "protected_area_codes",
    "registrant_organisation_id",
    "quota_unit",
    "standard_yield_kg_per_mu",
    "default_pack_size_kg",
    "processing_factor",
    "requires_origin",
    "qr_form",
    "auto_approve_batches",
    "requires_activation",
)
LEGAL_FIELDS = (
    "route",
    "name_zh",
    "trademark",
    "trademark_reg_number",
    "standard_number",
    "announcement_number",
    "programme_document",
)


def check_route_fields(data: ProductFields) -> None:
    """What the label's legal line must print depends on the route (CNIPA Announcement 354).

    Where the number is not (yet) known, e.g. a mark whose registration is under way, the
    programme document the GI comes from is cited instead: a label must never carry a
    placeholder number."""
    if data.route.is_trademark and not data.trademark:
        raise MissingRouteFields(
            f"a {data.route.value} GI must name its trademark", missing=["trademark"]
        )
    if data.route.is_trademark and not (data.trademark_reg_number or data.programme_document):
        raise MissingRouteFields(
            f"a {data.route.value} GI needs its registration number (or, while it is not "
            "known, the programme document it comes from)",
            missing=["trademark_reg_number", "programme_document"],
        )
    numbers = (data.standard_number, data.announcement_number, data.programme_document)
    if not data.route.is_trademark and not any(numbers):
        raise MissingRouteFields(
            f"a {data.route.value} GI needs its standard number or approval announcement number "
            "(or, while neither is known, the programme document it comes from)",
            missing=["standard_number", "announcement_number", "programme_document"],
        )


async def check_registrant(session: AsyncSession, data: ProductFields) -> None:
    """Only a collective or certification mark has a registrant, and it is an association."""
    if data.registrant_organisation_id is None:
        return
    if not data.route.is_trademark:
        raise BadRegistrant(
            f"a {data.route.value} GI has no registrant association: only a collective or "
            "certification mark's owner endorses its licences",
            field="registrant_organisation_id",
        )
    if await repository.association(session, data.registrant_organisation_id) is None:
        raise BadRegistrant(
            f"organisation {data.registrant_organisation_id} is not an association",
            field="registrant_organisation_id",
        )


def legal_line_of(fields: Mapping[str, Any], lang: str = "zh") -> str:
    """The text printed beside the mark: trademark + registration number, GI name + standard
    or announcement number, or, where no number is known, the programme document cited. In
    English the words are English; the mark and the numbers stay as printed on the label."""
    route = LegalRoute(fields["route"])
    if route.is_trademark:
        name, number = fields["trademark"], fields["trademark_reg_number"]
        if number:
            return f"{name} {'Reg. No.' if lang == 'en' else '注册号'} {number}"
    else:
        name = fields["name_en"] if lang == "en" and fields.get("name_en") else fields["name_zh"]
        number = fields["standard_number"] or fields["announcement_number"]
        if number:
            return f"{name} {number}"
    document = fields["programme_document"]
    if not document:
        return str(name)
    return f"{name} (per 《{document}》)" if lang == "en" else f"{name}（依据《{document}》）"


def legal_line(product: GIProduct) -> str:
    return legal_line_of({name: getattr(product, name) for name in LEGAL_FIELDS})


def _check_unique(items: list[TestItemIn]) -> None:
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise DuplicateTestItem("test item codes must be unique within a product")


def _items(product_id: int, items: list[TestItemIn]) -> list[TestItem]:
    _check_unique(items)
    return [TestItem(product_id=product_id, **item.model_dump()) for item in items]


async def get_product(session: AsyncSession, product_id: int) -> GIProduct:
    product = await repository.product_with_items(session, product_id)
    if product is None:
        raise NotFound(f"GI product {product_id} not found")
    return product


async def registrant_of(session: AsyncSession, product: GIProduct) -> Organisation | None:
    """The association that registered the product's mark, if it has one."""
    if product.registrant_organisation_id is None:
        return None
    return await repository.association(session, product.registrant_organisation_id)


async def associations(session: AsyncSession) -> Sequence[Organisation]:
    """The associations a mark's registrant may be chosen from."""
    return await repository.associations(session)


async def list_products(
    session: AsyncSession, page: PageParams, route: LegalRoute | None = None, q: str | None = None
) -> tuple[list[GIProduct], int]:
    return await paginate(session, repository.product_listing(route, q), page)


async def create_product(session: AsyncSession, actor: Principal, data: ProductCreate) -> GIProduct:
    check_route_fields(data)
    await check_registrant(session, data)
    if await repository.code_taken(session, data.code):
        raise ProductCodeTaken(f"a GI product with code {data.code!r} exists")
    product = GIProduct(**data.model_dump(exclude={"test_items"}))
    async with audited(session, actor, "product.create", product, *AUDITED_FIELDS) as change:
        session.add(product)
        await session.flush()  # the items need the product's id
        session.add_all(_items(product.id, data.test_items))
        change.extra["test_items"] = len(data.test_items)
    return await get_product(session, product.id)


async def update_product(
    session: AsyncSession,
    actor: Principal,
    product_id: int,
    data: ProductFields,
    items: list[TestItemIn],
) -> GIProduct:
    check_route_fields(data)
    await check_registrant(session, data)
    product = await get_product(session, product_id)
    await _may_edit_items(session, actor, product.id, items)
    async with audited(session, actor, "product.update", product, *AUDITED_FIELDS) as change:
        for name, value in data.model_dump(exclude={"test_items"}).items():
            setattr(product, name, value)
        change.extra["test_items"] = len(items)
        change.extra.update(await _replace_items(session, product, items))
    session.expire(product)
    return await get_product(session, product_id)


async def _may_edit_items(
    session: AsyncSession, actor: Principal, product_id: int, items: list[TestItemIn]
) -> None:
    """The standard's test items are the agriculture bureau's (``ORG_POLICY``): anyone else
    updating a product must send them back unchanged."""
    if can(actor, "product.test_items"):
        return
    in_force = {
        item.code: TestItemIn.model_validate(item, from_attributes=True).model_dump()
        for item in await repository.every_item_of(session, product_id)
        if item.retired_at is None
    }
    if in_force != {item.code: item.model_dump() for item in items}:
        raise Forbidden("a standard's test items are edited by the agriculture bureau")


async def _replace_items(
    session: AsyncSession, product: GIProduct, items: list[TestItemIn]
) -> dict[str, list[str]]:
    """The standard becomes exactly ``items``. Items keep their ids (inspections refer to
    them): one named again is updated in place (and back in force if it had been retired),
    a new code is added, and one left out is retired, not deleted, so past inspections and
    their notices still show what was measured. Returns the codes added, retired, restored."""
    _check_unique(items)  # before anything changes
    existing = {item.code: item for item in await repository.every_item_of(session, product.id)}
    wanted = {item.code for item in items}
    changes: dict[str, list[str]] = {"added": [], "retired": [], "restored": []}
    for new in items:
        row = existing.get(new.code)
        if row is None:
            changes["added"].append(new.code)
            continue
        for name, value in new.model_dump().items():
            setattr(row, name, value)
        if row.retired_at is not None:
            row.retired_at = None
            changes["restored"].append(new.code)
    for code, row in existing.items():
        if code not in wanted and row.retired_at is None:
            row.retired_at = utcnow()
            changes["retired"].append(code)
    session.add_all(_items(product.id, [i for i in items if i.code not in existing]))
    await session.flush()
    return {f"test_items_{kind}": codes for kind, codes in changes.items() if codes}


async def set_artwork(session: AsyncSession, actor: Principal, product_id: int, data: bytes) -> str:
    product = await get_product(session, product_id)
    media_type = validate_artwork(data)
    product.artwork, product.artwork_media_type = data, media_type
    after = {"media_type": media_type, "bytes": len(data)}
    await record_transition(
        session, actor, "product.artwork", "gi_product", product.id, after=after
    )
    return media_type


async def get_artwork(session: AsyncSession, product_id: int) -> tuple[bytes, str] | None:
    row = await repository.artwork_of(session, product_id)
    if row is None:
        raise NotFound(f"GI product {product_id} not found")
    return (row.artwork, row.artwork_media_type) if row.artwork else None


async def test_items_by_id(session: AsyncSession, item_ids: Sequence[int]) -> dict[int, TestItem]:
    """Test items by id, as inspections name what they measured."""
    return await repository.test_items_by_id(session, item_ids)


__all__ = ["LegalRoute", "get_product", "legal_line", "legal_line_of"]
