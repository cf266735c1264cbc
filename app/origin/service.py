"""Growing bases, harvests and purchases, and what lots draw from them (issue 15 point 1).

Two rules hold every lot of a product to the land it may come from:

- **inside the protected area**: a base's or a seller's county division lies within one of the
  product's ``protected_area_codes``; where a bureau has uploaded the area's polygon and the
  base has one, the base's polygon lies inside it (shapely ``covers``);
- **mass balance**: a lot claims ``labels × pack size`` kg of finished product; its sources
  (harvests, purchases, with the kg of raw material drawn from each) supply at most
  ``Σ drawn × processing factor``; and no source is drawn beyond its quantity across lots.
  Refusals carry the arithmetic, in the detail and as numbers.

A licensee keeps its own records; staff (admin, regulators) read and keep every enterprise's.
The label domain above calls :func:`plan_lot` and :func:`record_draws` when a batch is
requested, and :func:`release_draws` when one is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import snapshot
from app.audit.transition import audited, record_transition
from app.core import divisions
from app.core.errors import NotFound, Unprocessable
from app.core.pagination import PageParams, paginate, paginate_rows
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.origin import geometry, repository
from app.origin.exceptions import (
    HarvestBeyondYield,
    MassBalanceExceeded,
    OriginRequired,
    OutsideProtectedArea,
    SourceNotUsable,
    SourceOverdrawn,
)
from app.origin.models import (
    GrowingBase,
    Harvest,
    LotDraw,
    ProtectedAreaShape,
    Purchase,
)
from app.origin.schemas import (
    AreaShape,
    BaseCreate,
    BaseFields,
    HarvestCreate,
    PurchaseCreate,
    SourceDraw,
)
from app.registry import service as registry_service
from app.registry.models import GIProduct, QuotaUnit

BASE_AUDITED = ("enterprise_id", "product_id", "name", "kind", "division_code", "township")
KG = Decimal("0.001")
# A base's harvests in a year may exceed its area × the standard's yield by this much (a good
# year, a standard yield set cautiously) and no more: beyond it the record claims raw material
# the land could not have grown, the very laundering mass balance is there to stop.
YIELD_TOLERANCE = Decimal("1.5")


def _kg(value: Decimal) -> Decimal:
    return value.quantize(KG)


def _number(value: Decimal) -> float:
    """A quantity as a JSON number in a problem document."""
    return float(_kg(value))


# --- inside the protected area ----------------------------------------------------------------


def _division_inside(product: GIProduct, code: str) -> bool:
    area = product.protected_area_codes or []
    if not area:
        return True  # the register names no divisions: nothing to hold the code against
    return any(divisions.is_within(code, outer) for outer in area)


async def check_inside(
    session: AsyncSession,
    product: GIProduct,
    division_code: str,
    polygon: dict[str, Any] | None,
    what: str,
) -> None:
    """Refuse (422) an origin outside ``product``'s protected area, saying which rule failed."""
    if not _division_inside(product, division_code):
        name = divisions.full_name(division_code) if divisions.is_known(division_code) else "?"
        raise OutsideProtectedArea(
            f"{what} lies in {division_code} {name}, outside the protected area of "
            f"{product.name_zh} ({', '.join(product.protected_area_codes)})",
            division_code=division_code,
            protected_area_codes=list(product.protected_area_codes),
            rule="division",
        )
    if polygon is None:
        return
    shape = await repository.area_shape(session, product.id)
    if shape is not None and not geometry.covers(shape.geometry, polygon):
        raise OutsideProtectedArea(
            f"{what}'s polygon is not inside the protected area's polygon of {product.name_zh}",
            division_code=division_code,
            rule="polygon",
        )


# --- growing bases ----------------------------------------------------------------------------


def _owner(actor: Principal, enterprise_id: int | None) -> int:
    """A licensee's records are its own enterprise's, whatever it names; staff must name one."""
    if actor.is_licensee:
        assert actor.enterprise_id is not None  # a licensee principal always has one
        return actor.enterprise_id
    if enterprise_id is None:
        raise Unprocessable("name the enterprise the record belongs to", field="enterprise_id")
    return enterprise_id


async def get_base(session: AsyncSession, principal: Principal, base_id: int) -> GrowingBase:
    base = await session.scalar(repository.readable_base(principal, base_id))
    if base is None:
        raise NotFound(f"growing base {base_id} not found")
    return base


async def list_bases(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    enterprise_id: int | None = None,
    product_id: int | None = None,
    q: str | None = None,
) -> tuple[list[GrowingBase], int]:
    query = repository.base_listing(principal, enterprise_id, product_id, q)
    return await paginate(session, query, page)


def _polygon(data: BaseFields) -> dict[str, Any] | None:
    return geometry.validated(data.polygon) if data.polygon is not None else None


async def create_base(session: AsyncSession, actor: Principal, data: BaseCreate) -> GrowingBase:
    enterprise = await enterprise_service.get_readable(
        session, actor, _owner(actor, data.enterprise_id)
    )
    product = await registry_service.get_product(session, data.product_id)
    polygon = _polygon(data)
    await check_inside(session, product, data.division_code, polygon, f"base {data.name!r}")
    base = GrowingBase(
        enterprise_id=enterprise.id,
        product_id=product.id,
        **data.model_dump(exclude={"enterprise_id", "product_id", "polygon"}),
        polygon=polygon,
    )
    async with audited(session, actor, "growing_base.create", base, *BASE_AUDITED) as change:
        session.add(base)
        change.extra["polygon"] = polygon is not None
    return base


async def update_base(
    session: AsyncSession, actor: Principal, base_id: int, data: BaseFields
) -> GrowingBase:
    base = await get_base(session, actor, base_id)
    product = await registry_service.get_product(session, base.product_id)
    polygon = _polygon(data)
    await check_inside(session, product, data.division_code, polygon, f"base {data.name!r}")
    async with audited(session, actor, "growing_base.update", base, *BASE_AUDITED) as change:
        for name, value in data.model_dump(exclude={"polygon"}).items():
            setattr(base, name, value)
        base.polygon = polygon
        change.extra["polygon"] = polygon is not None
    return base


# --- harvests and purchases -------------------------------------------------------------------


async def _refuse_beyond_yield(
    session: AsyncSession, base: GrowingBase, data: HarvestCreate
) -> None:
    """Land counted in mu yields at most area × the standard's yield (of finished product,
    so ÷ the processing factor for raw material) × ``YIELD_TOLERANCE`` a year."""
    product = await registry_service.get_product(session, base.product_id)
    if product.quota_unit is not QuotaUnit.MU:
        return  # livestock is not counted by the land's area
    year = data.harvested_on.year
    before = await repository.harvested_in(session, base.id, date(year, 1, 1), date(year, 12, 31))
    raw_per_mu = product.standard_yield_kg_per_mu / product.processing_factor
    most = _kg(base.area_mu * raw_per_mu * YIELD_TOLERANCE)
    if before + data.quantity_kg > most:
        raise HarvestBeyondYield(
            f"base {base.id} has {base.area_mu} mu; at {_kg(raw_per_mu)} kg of raw material a mu "
            f"(standard yield {product.standard_yield_kg_per_mu.normalize()} kg ÷ processing "
            f"factor {product.processing_factor.normalize()}) × {YIELD_TOLERANCE} it can yield "
            f"at most {_kg(most)} kg in {year}; {_kg(before)} kg are recorded already, so "
            f"{_kg(data.quantity_kg)} kg more is too much",
            field="quantity_kg",
            area_mu=float(base.area_mu),
            raw_kg_per_mu=_number(raw_per_mu),
            tolerance=float(YIELD_TOLERANCE),
            most_kg=_number(most),
            recorded_kg=_number(before),
            requested_kg=_number(data.quantity_kg),
        )


async def record_harvest(session: AsyncSession, actor: Principal, data: HarvestCreate) -> Harvest:
    base = await get_base(session, actor, data.base_id)
    await _refuse_beyond_yield(session, base, data)
    harvest = Harvest(
        base_id=base.id,
        enterprise_id=base.enterprise_id,
        harvested_on=data.harvested_on,
        quantity_kg=data.quantity_kg,
        recorded_by_id=actor.user_id,
    )
    session.add(harvest)
    await session.flush()
    after = snapshot(harvest, "base_id", "enterprise_id", "harvested_on", "quantity_kg")
    await record_transition(
        session, actor, "harvest.record", "origin_harvest", harvest.id, after=after
    )
    return harvest


async def list_harvests(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    base_id: int | None = None,
    enterprise_id: int | None = None,
) -> tuple[list[tuple[Harvest, Decimal]], int]:
    rows, total = await paginate_rows(
        session, repository.harvest_listing(principal, base_id, enterprise_id), page
    )
    return [(row[0], Decimal(str(row[1]))) for row in rows], total


async def get_harvest(
    session: AsyncSession, principal: Principal, harvest_id: int
) -> tuple[Harvest, Decimal]:
    row = (await session.execute(repository.harvest_row(principal, harvest_id))).first()
    if row is None:
        raise NotFound(f"harvest {harvest_id} not found")
    return row[0], Decimal(str(row[1]))


async def _check_seller(session: AsyncSession, product: GIProduct, data: PurchaseCreate) -> None:
    """The seller named exists, and where it grew lies inside the protected area."""
    if data.seller_base_id is not None:
        seller = await repository.base_by_id(session, data.seller_base_id)
        if seller is None:
            raise NotFound(f"growing base {data.seller_base_id} not found", field="seller_base_id")
        if seller.division_code != data.division_code:
            raise Unprocessable(
                f"base {seller.id} lies in {seller.division_code}, not {data.division_code}",
                field="division_code",
            )
        await check_inside(session, product, seller.division_code, seller.polygon, "the seller")
    if data.seller_enterprise_id is not None and not await repository.enterprise_exists(
        session, data.seller_enterprise_id
    ):
        raise NotFound(
            f"enterprise {data.seller_enterprise_id} not found", field="seller_enterprise_id"
        )
    await check_inside(session, product, data.division_code, None, "the seller")


async def record_purchase(
    session: AsyncSession, actor: Principal, data: PurchaseCreate
) -> Purchase:
    enterprise = await enterprise_service.get_readable(
        session, actor, _owner(actor, data.enterprise_id)
    )
    product = await registry_service.get_product(session, data.product_id)
    await _check_seller(session, product, data)
    assert data.harvest_year is not None  # the schema fills it in
    purchase = Purchase(
        enterprise_id=enterprise.id,
        **data.model_dump(exclude={"enterprise_id"}),
        recorded_by_id=actor.user_id,
    )
    session.add(purchase)
    await session.flush()
    # The seller's name stays out of the ledger: a grower's name is personal data.
    after = snapshot(
        purchase,
        "enterprise_id",
        "product_id",
        "seller_kind",
        "division_code",
        "township",
        "purchased_on",
        "quantity_kg",
    )
    await record_transition(
        session, actor, "purchase.record", "origin_purchase", purchase.id, after=after
    )
    return purchase


async def list_purchases(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    product_id: int | None = None,
    enterprise_id: int | None = None,
) -> tuple[list[tuple[Purchase, Decimal]], int]:
    rows, total = await paginate_rows(
        session, repository.purchase_listing(principal, product_id, enterprise_id), page
    )
    return [(row[0], Decimal(str(row[1]))) for row in rows], total


async def get_purchase(
    session: AsyncSession, principal: Principal, purchase_id: int
) -> tuple[Purchase, Decimal]:
    row = (await session.execute(repository.purchase_row(principal, purchase_id))).first()
    if row is None:
        raise NotFound(f"purchase {purchase_id} not found")
    return row[0], Decimal(str(row[1]))


# --- the protected area's polygon -------------------------------------------------------------


async def set_area_shape(
    session: AsyncSession, actor: Principal, product_id: int, data: AreaShape
) -> ProtectedAreaShape:
    product = await registry_service.get_product(session, product_id)
    polygon = geometry.validated(data.geometry, field="geometry")
    shape = await repository.area_shape(session, product.id)
    if shape is None:
        shape = ProtectedAreaShape(product_id=product.id, geometry=polygon)
        session.add(shape)
    else:
        shape.geometry = polygon
    shape.uploaded_by_id = actor.user_id
    await session.flush()
    bounds = list(geometry.area_of(polygon).bounds)
    await record_transition(
        session, actor, "protected_area.shape", "gi_product", product.id, after={"bounds": bounds}
    )
    return shape


async def get_area_shape(session: AsyncSession, product_id: int) -> ProtectedAreaShape:
    shape = await repository.area_shape(session, product_id)
    if shape is None:
        raise NotFound(f"GI product {product_id} has no protected-area polygon")
    return shape


# --- lots: what a batch draws ------------------------------------------------------------------


@dataclass
class LotPlan:
    """A lot's checked draws and what the public may see of their origin."""

    draws: list[SourceDraw] = field(default_factory=list)
    public: list[dict[str, Any]] = field(default_factory=list)

    def to_audit(self) -> list[dict[str, Any]]:
        return [
            {
                "harvest_id": d.harvest_id,
                "purchase_id": d.purchase_id,
                "quantity_kg": str(_kg(d.quantity_kg)),
            }
            for d in self.draws
        ]


def _merged(sources: list[SourceDraw]) -> list[SourceDraw]:
    """The same source named twice counts once, with the quantities added."""
    by_key: dict[tuple[int | None, int | None], Decimal] = {}
    for s in sources:
        key = (s.harvest_id, s.purchase_id)
        by_key[key] = by_key.get(key, Decimal(0)) + s.quantity_kg
    return [
        SourceDraw(harvest_id=h, purchase_id=p, quantity_kg=kg) for (h, p), kg in by_key.items()
    ]


def _public(county_code: str, township: str, year: int) -> dict[str, Any]:
    division = divisions.get(county_code)
    return {
        "county": division.name if division else county_code,
        "township": township,
        "harvest_year": year,
    }


async def plan_lot(
    session: AsyncSession,
    product: GIProduct,
    enterprise_id: int,
    labels: int,
    sources: list[SourceDraw] | None,
) -> LotPlan | None:
    """Check a lot's sources before its batch is created: each is the enterprise's own, of
    this product and inside its protected area; none is drawn beyond its quantity; and the lot
    claims no more than they supply. ``None`` where the lot names no sources and the product
    does not require them. Locks the sources' rows until commit."""
    if not sources:
        if product.requires_origin:
            raise OriginRequired(
                f"{product.name_zh} requires every batch to name the harvests or purchases its "
                "lot drew on (sources)",
                field="sources",
            )
        return None
    draws = _merged(sources)
    harvest_ids = {d.harvest_id for d in draws if d.harvest_id is not None}
    purchase_ids = {d.purchase_id for d in draws if d.purchase_id is not None}
    harvests = await repository.harvests_for_draw(session, harvest_ids)
    purchases = await repository.purchases_for_draw(session, purchase_ids)
    drawn_h, drawn_p = await repository.drawn_from(session, harvest_ids, purchase_ids)
    plan = LotPlan(draws=draws)
    for draw in draws:
        if draw.harvest_id is not None:
            found = harvests.get(draw.harvest_id)
            if found is None or found[0].enterprise_id != enterprise_id:
                raise SourceNotUsable(
                    f"harvest {draw.harvest_id} is not one of this licence's enterprise's",
                    field="sources",
                    harvest_id=draw.harvest_id,
                )
            harvest, base = found
            if base.product_id != product.id:
                raise SourceNotUsable(
                    f"harvest {harvest.id} is from base {base.id}, which grows for another "
                    "GI product",
                    field="sources",
                    harvest_id=harvest.id,
                )
            await check_inside(
                session, product, base.division_code, base.polygon, f"base {base.name!r}"
            )
            _refuse_overdraw(
                "harvest", harvest.id, harvest.quantity_kg, drawn_h.get(harvest.id), draw
            )
            plan.public.append(
                _public(base.division_code, base.township, harvest.harvested_on.year)
            )
        else:
            assert draw.purchase_id is not None  # the schema names one of the two
            purchase = purchases.get(draw.purchase_id)
            if purchase is None or purchase.enterprise_id != enterprise_id:
                raise SourceNotUsable(
                    f"purchase {draw.purchase_id} is not one of this licence's enterprise's",
                    field="sources",
                    purchase_id=draw.purchase_id,
                )
            if purchase.product_id != product.id:
                raise SourceNotUsable(
                    f"purchase {purchase.id} is of another GI product's raw material",
                    field="sources",
                    purchase_id=purchase.id,
                )
            await check_inside(session, product, purchase.division_code, None, "the seller")
            _refuse_overdraw(
                "purchase", purchase.id, purchase.quantity_kg, drawn_p.get(purchase.id), draw
            )
            plan.public.append(
                _public(purchase.division_code, purchase.township, purchase.harvest_year)
            )
    _refuse_beyond_balance(product, labels, draws)
    unique = {tuple(sorted(p.items())): p for p in plan.public}
    plan.public = sorted(
        unique.values(), key=lambda p: (p["harvest_year"], p["county"], p["township"])
    )
    return plan


def _refuse_overdraw(
    kind: str, source_id: int, quantity: Decimal, drawn: Decimal | None, draw: SourceDraw
) -> None:
    already = drawn or Decimal(0)
    available = quantity - already
    if draw.quantity_kg > available:
        raise SourceOverdrawn(
            f"{kind} {source_id} supplied {_kg(quantity)} kg; other lots have drawn "
            f"{_kg(already)} kg, so {_kg(max(available, Decimal(0)))} kg remain, not the "
            f"{_kg(draw.quantity_kg)} kg asked",
            field="sources",
            source=kind,
            source_id=source_id,
            supplied_kg=_number(quantity),
            already_drawn_kg=_number(already),
            available_kg=_number(max(available, Decimal(0))),
            requested_kg=_number(draw.quantity_kg),
        )


def _refuse_beyond_balance(product: GIProduct, labels: int, draws: list[SourceDraw]) -> None:
    pack = product.default_pack_size_kg
    claimed = labels * pack
    raw = sum((d.quantity_kg for d in draws), Decimal(0))
    factor = product.processing_factor
    supplied = raw * factor
    if claimed > supplied:
        most = int(supplied / pack)
        raise MassBalanceExceeded(
            f"{labels} labels × {_kg(pack)} kg = {_kg(claimed)} kg claimed, but the sources "
            f"supplied {_kg(raw)} kg of raw material × processing factor {factor.normalize()} = "
            f"{_kg(supplied)} kg: at most {most} labels",
            labels=labels,
            pack_size_kg=_number(pack),
            claimed_kg=_number(claimed),
            raw_material_kg=_number(raw),
            processing_factor=float(factor),
            supplied_kg=_number(supplied),
            max_labels=most,
        )


async def record_draws(session: AsyncSession, batch_id: int, plan: LotPlan) -> None:
    session.add_all(
        LotDraw(
            batch_id=batch_id,
            harvest_id=d.harvest_id,
            purchase_id=d.purchase_id,
            quantity_kg=d.quantity_kg,
        )
        for d in plan.draws
    )
    await session.flush()


async def release_draws(session: AsyncSession, batch_id: int) -> int:
    """A rejected batch used none of its material: its draws go back to the sources."""
    return await repository.release_draws(session, batch_id)


async def draws_of(session: AsyncSession, batch_id: int) -> list[LotDraw]:
    return list(await session.scalars(repository.draws_of_batch(batch_id)))
