"""``gimark demo load``: a small but complete register to try the service with."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.principal import principal_of
from app.core import divisions
from app.core.config import Settings
from app.core.organisations import Organisation
from app.core.principal import SYSTEM, OrgKind, Role
from app.core.search import starts_with
from app.core.time import public_today, utcnow
from app.demo.data import (
    BASES,
    DEMO_LAB,
    ENTERPRISES,
    ORGANISATIONS,
    PRODUCTS,
    ROSTER,
    ROSTER_SOURCE,
    USE_REPORT,
    USER_ORGANISATION,
    USERS,
    DemoEnterprise,
    DemoRosterEntry,
)
from app.enterprise.models import Enterprise
from app.enterprise.uscc import compose
from app.inspection import service as inspection_service
from app.inspection.schemas import InspectionCreate, MeasuredItem
from app.label import service as label_service
from app.label.models import Label, LabelBatch
from app.label.schemas import BatchApprove, BatchRequest
from app.licence.models import Licence, LicenceStatus
from app.origin import service as origin_service
from app.origin.models import BaseKind, Harvest
from app.origin.schemas import BaseCreate, HarvestCreate, SourceDraw
from app.planning.models import InspectionAssignment
from app.registry.models import GIProduct, LegalRoute, QuotaUnit, TestItem
from app.supervision import roster as roster_service
from app.supervision import use_reports as use_report_service
from app.supervision.models import ProducerKind
from app.supervision.schemas import RosterCreate, UseReportIn


def demo_uscc(row: DemoEnterprise | DemoRosterEntry) -> str:
    """Structurally valid (GB 32100, GB 11714) for a fictitious enterprise."""
    return compose(row.kind, row.registered_in, row.organisation_body)


async def already_loaded(session: AsyncSession) -> bool:
    first_code = PRODUCTS[0]["code"]
    return (
        await session.scalar(select(GIProduct.id).where(GIProduct.code == first_code)) is not None
    )


WUYUAN = "150821"  # 五原县: the demo bases lie there
KG = Decimal("0.001")


def _limit(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


async def _product(session: AsyncSession, spec: dict[str, Any]) -> GIProduct:
    fields = {k: v for k, v in spec.items() if k != "test_items"}
    product = GIProduct(**fields, is_demo=True)
    product.route = LegalRoute(spec["route"])
    product.quota_unit = QuotaUnit(spec["quota_unit"])
    product.standard_yield_kg_per_mu = Decimal(spec["standard_yield_kg_per_mu"])
    product.default_pack_size_kg = Decimal(spec["default_pack_size_kg"])
    product.processing_factor = Decimal(spec.get("processing_factor", "1"))
    session.add(product)
    await session.flush()
    for code, name_zh, name_en, unit, low, high in spec["test_items"]:
        item = TestItem(
            product_id=product.id,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            unit=unit,
            min_value=_limit(low),
            max_value=_limit(high),
        )
        session.add(item)
    await record_transition(
        session,
        SYSTEM,
        "product.create",
        "gi_product",
        product.id,
        after={"code": product.code},
        reason="demo data",
    )
    return product


async def _enterprise_and_licence(
    session: AsyncSession, row: DemoEnterprise, products: dict[str, GIProduct], serial: int
) -> Enterprise:
    region = divisions.full_name(row.produces_in).removeprefix("内蒙古自治区")
    enterprise = Enterprise(
        name=row.name,
        uscc=demo_uscc(row),
        region=region,
        address=row.address,
        division_code=row.produces_in,  # the registered address's county
        contact_name="演示联系人",
        contact_phone=row.phone,
        is_demo=True,
    )
    session.add(enterprise)
    await session.flush()
    today = public_today()
    active = row.status == "active"
    licence = Licence(
        enterprise_id=enterprise.id,
        product_id=products[row.product].id,
        status=LicenceStatus(row.status),
        production_area_mu=Decimal(row.registered_units),
        production_location=f"{divisions.full_name(row.produces_in)}（演示数据）",
        applied_at=utcnow() - timedelta(days=120),
        number=f"GI-{row.product}-{today.year}-{serial:04d}" if active else None,
        valid_from=today - timedelta(days=90) if active else None,
        valid_until=today + timedelta(days=3 * 365) if active else None,
        decided_at=utcnow() - timedelta(days=90) if active else None,
    )
    session.add(licence)
    await session.flush()
    for kind, obj in (("enterprise", enterprise), ("licence", licence)):
        await record_transition(session, SYSTEM, f"{kind}.create", kind, obj.id, reason="demo data")
    return enterprise


async def _issue_demo_batches(session: AsyncSession, settings: Settings) -> list[str]:
    """Twenty labels for each active demo licence; returns one code of each batch."""
    licences = await session.scalars(
        select(Licence).where(Licence.status == LicenceStatus.ACTIVE).order_by(Licence.id)
    )
    samples = []
    harvests = await _demo_harvests(session)
    for licence in list(licences):
        product = await session.get(GIProduct, licence.product_id)
        harvest = harvests.get(licence.enterprise_id)
        sources = None
        if harvest is not None and product is not None and product.requires_origin:
            # 20 packs, and the raw material processing loses on the way to them
            needed = 20 * product.default_pack_size_kg / product.processing_factor
            drawn = needed.quantize(KG, rounding=ROUND_CEILING)
            sources = [SourceDraw(harvest_id=harvest.id, quantity_kg=drawn)]
        request = BatchRequest(
            licence_id=licence.id,
            lot_number=f"DEMO-{public_today().year}-{licence.id:03d}",
            quantity=20,
            unit="袋",
            production_date=public_today() - timedelta(days=20),
            origin=licence.production_location,
            sources=sources,
        )
        batch = await label_service.request_batch(session, SYSTEM, request, settings)
        await label_service.approve(session, SYSTEM, batch.id, BatchApprove(), settings)
        code = await session.scalar(select(Label.code).where(Label.batch_id == batch.id).limit(1))
        samples.append(str(code))
    return samples


async def _demo_harvests(session: AsyncSession) -> dict[int, Harvest]:
    """The demo bases and last autumn's harvest from each, by enterprise id."""
    harvests: dict[int, Harvest] = {}
    autumn = date(public_today().year - 1, 10, 1)
    for spec in BASES:
        enterprise_id = await session.scalar(
            select(Enterprise.id).where(Enterprise.name == spec.enterprise)
        )
        licence = await session.scalar(
            select(Licence).where(Licence.enterprise_id == enterprise_id).limit(1)
        )
        if enterprise_id is None or licence is None:
            continue
        data = BaseCreate(
            enterprise_id=enterprise_id,
            product_id=licence.product_id,
            name=spec.name,
            kind=BaseKind(spec.kind),
            division_code=WUYUAN,
            township=spec.township,
            area_mu=Decimal(spec.area_mu),
        )
        base = await origin_service.create_base(session, SYSTEM, data)
        await session.flush()
        harvest = HarvestCreate(
            base_id=base.id, harvested_on=autumn, quantity_kg=Decimal(spec.harvest_kg)
        )
        harvests[enterprise_id] = await origin_service.record_harvest(session, SYSTEM, harvest)
    return harvests


async def sample_codes(session: AsyncSession) -> list[str]:
    query = (
        select(Label.code)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(starts_with(LabelBatch.lot_number, "DEMO-"), Label.serial == 1)
        .order_by(LabelBatch.id)
    )
    return list(await session.scalars(query))


async def load_demo(session: AsyncSession, settings: Settings) -> bool:
    """Load the demo register once; returns False if it was already there."""
    if await already_loaded(session):
        return False
    products = {spec["code"]: await _product(session, spec) for spec in PRODUCTS}
    enterprises = [
        await _enterprise_and_licence(session, row, products, serial)
        for serial, row in enumerate(ENTERPRISES, start=1)
    ]
    organisations = await _organisations(session)
    # 五原向日葵 is a certification mark: its registrant association endorses each licence
    # application before the county bureau approves it (issue 14.2).
    products["WYXRK"].registrant_organisation_id = organisations["wuyuan_assoc"].id
    users: dict[str, User] = {}
    for username, display_name, role, password in USERS:
        organisation = organisations.get(USER_ORGANISATION.get(username, ""))
        user = users[username] = User(
            username=username,
            display_name=display_name,
            role=Role(role),
            password_hash=hash_password(password),
            enterprise_id=enterprises[0].id if role == "licensee" else None,
            organisation_id=organisation.id if organisation else None,
        )
        session.add(user)
        await session.flush()
        await record_transition(session, SYSTEM, "user.create", "user", user.id, reason="demo data")
    await _issue_demo_batches(session, settings)
    await _inspect_demo_batches(session)
    await _put_on_roster(session, products)
    await _accepted_use_report(session, products, users)
    return True


async def _organisations(session: AsyncSession) -> dict[str, Organisation]:
    """The demo's organisations, by key; one already there by name (the migration of revision
    0026 may have made the region bureau or the platform operator) is reused."""
    found: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation = await session.scalar(
            select(Organisation).where(Organisation.name_zh == spec.name_zh)
        )
        if organisation is None:
            organisation = Organisation(
                name_zh=spec.name_zh,
                name_en=spec.name_en,
                kind=OrgKind(spec.kind),
                division_code=spec.division_code,
                accreditation_number=spec.accreditation_number,
                accreditation_scope=spec.accreditation_scope,
            )
            session.add(organisation)
            await session.flush()
            await record_transition(
                session, SYSTEM, "organisation.create", "organisation", organisation.id,
                reason="demo data",
            )  # fmt: skip
        found[spec.key] = organisation
    return found


async def _put_on_roster(session: AsyncSession, products: dict[str, GIProduct]) -> None:
    """The producer roster of the demo products, as a bureau's survey would list it."""
    last_year = public_today().year - 1
    for row in ROSTER:
        data = RosterCreate(
            product_id=products[row.product].id,
            uscc=demo_uscc(row),
            name=row.name,
            division_code=row.division,
            kind=ProducerKind(row.producer_kind),
            exporter=row.exporter,
            source=ROSTER_SOURCE,
            on_roster=date(last_year, 1, 1),
            closed_on=date(last_year, 6, 30) if row.closed_last_year else None,
        )
        await roster_service.create(session, SYSTEM, data)


async def _accepted_use_report(
    session: AsyncSession, products: dict[str, GIProduct], users: dict[str, User]
) -> None:
    """Last year's report of the demo licensee, submitted by it and accepted by the bureau."""
    figures = {k: v for k, v in USE_REPORT.items() if k != "product"}
    data = UseReportIn(
        product_id=products[USE_REPORT["product"]].id, year=public_today().year - 1, **figures
    )
    licensee = await principal_of(session, users["licensee"])
    regulator = await principal_of(session, users["regulator"])
    report = await use_report_service.submit(session, licensee, data)
    await use_report_service.accept(session, regulator, report.id)


def _typical(item: TestItem, failing: bool) -> Decimal:
    """A plausible measurement: inside the limits, or just outside them for a failing sample."""
    low, high = item.min_value, item.max_value
    if failing:
        value = (high + Decimal("0.5")) if high is not None else (low or Decimal(1)) / 2
    elif low is not None and high is not None:
        value = (low + high) / 2
    else:
        value = high * Decimal("0.8") if high is not None else (low or Decimal(0)) * Decimal("1.1")
    return value.quantize(Decimal("0.01"))  # as a lab report prints it


async def _inspect_demo_batches(session: AsyncSession) -> None:
    """Every demo batch sampled once; the second sunflower lot fails (so the demo shows a
    suspended batch and a failing result in its objection window, not yet published), and the
    inspector is assigned the first."""
    demo_lots = starts_with(LabelBatch.lot_number, "DEMO-")
    batches = list(
        await session.scalars(select(LabelBatch).where(demo_lots).order_by(LabelBatch.id))
    )
    inspector_id = await session.scalar(
        select(User.id).where(User.role == Role.INSPECTOR).order_by(User.id).limit(1)
    )
    for n, batch in enumerate(batches, start=1):
        if n == 1 and inspector_id is not None:
            assignment = InspectionAssignment(batch_id=batch.id, inspector_id=inspector_id)
            session.add(assignment)
            continue  # left for the demo inspector to record
        items = await session.scalars(
            select(TestItem).where(TestItem.product_id == batch.product_id)
        )
        failing = n == 2
        data = InspectionCreate(
            batch_id=batch.id,
            sample_id=f"DEMO-S{n:03d}",
            sampled_on=batch.production_date + timedelta(days=5),
            sampling_place="生产企业成品库",
            lab=DEMO_LAB,
            report_number=f"DEMO-R-{public_today().year}-{n:04d}",
            inspector_id=inspector_id,
            items=[MeasuredItem(item=i.code, value=_typical(i, failing)) for i in items],
        )
        await inspection_service.record(session, SYSTEM, data)
