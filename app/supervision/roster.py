"""The producer roster: every enterprise producing, processing or trading a GI product in its
protected area, licensed or not. It is the denominator of the mark-use rate (``use_rate``), so
a row outside the protected area is refused rather than quietly diluting the rate."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core import divisions
from app.core.errors import Forbidden, NotFound, Unprocessable
from app.core.pagination import PageParams, paginate_rows
from app.core.principal import Principal
from app.registry import service as registry_service
from app.registry.models import GIProduct
from app.supervision import repository
from app.supervision.exceptions import AlreadyOnRoster, OutsideProtectedArea
from app.supervision.models import RosterEntry
from app.supervision.schemas import RosterCreate, RosterFields, RosterRead

FIELDS = tuple(RosterFields.model_fields)


def area_refusal(product: GIProduct, division_code: str) -> str | None:
    """Why ``division_code`` is not in the product's protected area, or None when it is."""
    area = product.protected_area_codes or []
    if not area:
        return f"product {product.code} has no protected-area division codes recorded"
    if any(divisions.is_within(division_code, code) for code in area):
        return None
    names = "、".join(f"{code} {divisions.full_name(code)}" for code in area)
    here = divisions.full_name(division_code)
    return f"{division_code} {here} is outside the protected area of {product.code} ({names})"


def check_area(product: GIProduct, division_code: str) -> None:
    refusal = area_refusal(product, division_code)
    if refusal is not None:
        raise OutsideProtectedArea(refusal, field="division_code")


def read(entry: RosterEntry, enterprise_id: int | None) -> RosterRead:
    return RosterRead.model_validate(entry).model_copy(update={"enterprise_id": enterprise_id})


def jurisdiction_refusal(actor: Principal, division_code: str) -> str | None:
    """Why the actor may not keep a roster entry in ``division_code`` (None: it may)."""
    if actor.reaches(division_code):
        return None
    return f"{division_code} lies outside this organisation's division ({actor.division_code})"


def check_jurisdiction(actor: Principal, division_code: str) -> None:
    """A bureau keeps the roster of its own division and below."""
    refusal = jurisdiction_refusal(actor, division_code)
    if refusal is not None:
        raise Forbidden(refusal)


async def get(session: AsyncSession, actor: Principal, entry_id: int) -> RosterRead:
    row = (await session.execute(repository.roster_entry(actor, entry_id))).first()
    if row is None:
        raise NotFound(f"roster entry {entry_id} not found")
    return read(*row)


async def listing(
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    product_id: int | None,
    division: str | None,
    q: str | None,
) -> tuple[list[RosterRead], int]:
    prefix = division_prefix(division)
    rows, total = await paginate_rows(
        session, repository.roster_listing(actor, product_id, prefix, q), page
    )
    return [read(*row) for row in rows], total


def division_prefix(division: str | None) -> str | None:
    """The code prefix every division inside ``division`` shares (GB/T 2260 is hierarchical:
    150821 ⊂ 1508xx ⊂ 15xxxx)."""
    if not division:
        return None
    found = divisions.get(division)
    if found is None:
        raise Unprocessable(f"{division!r} is not a GB/T 2260 division code", field="division")
    level = found.level
    return {"province": division[:2], "prefecture": division[:4]}.get(level.value, division)


async def create(session: AsyncSession, actor: Principal, data: RosterCreate) -> RosterRead:
    product = await registry_service.get_product(session, data.product_id)
    check_area(product, data.division_code)
    check_jurisdiction(actor, data.division_code)
    existing = await session.scalar(repository.roster_entries(product.id, [data.uscc]))
    if existing is not None:
        raise AlreadyOnRoster(
            f"{data.uscc} is on the roster of {product.code} already (entry {existing.id}): "
            "edit that entry",
            entry_id=existing.id,
        )
    entry = await add(session, actor, product.id, data.model_dump(include=set(FIELDS)))
    return await get(session, actor, entry.id)


async def add(
    session: AsyncSession, actor: Principal, product_id: int, fields: dict[str, Any]
) -> RosterEntry:
    entry = RosterEntry(product_id=product_id, **fields)
    async with audited(session, actor, "roster.create", entry, "product_id", *FIELDS):
        session.add(entry)
    return entry


async def update(
    session: AsyncSession, actor: Principal, entry_id: int, data: RosterFields
) -> RosterRead:
    entry = await session.scalar(repository.lock_roster_entry(actor, entry_id))
    if entry is None:
        raise NotFound(f"roster entry {entry_id} not found")
    product = await registry_service.get_product(session, entry.product_id)
    check_area(product, data.division_code)
    check_jurisdiction(actor, data.division_code)
    if data.uscc != entry.uscc:
        # A USCC moved onto another entry's would break "one entry per enterprise and product".
        other = await session.scalar(repository.roster_entries(product.id, [data.uscc]))
        if other is not None:
            raise AlreadyOnRoster(
                f"{data.uscc} is on the roster of {product.code} already (entry {other.id})",
                entry_id=other.id,
            )
    await change(session, actor, entry, data.model_dump(include=set(FIELDS)))
    return await get(session, actor, entry.id)


def changes_of(entry: RosterEntry, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if getattr(entry, name) != value}


async def change(
    session: AsyncSession, actor: Principal, entry: RosterEntry, fields: dict[str, Any]
) -> bool:
    """Apply what differs; nothing recorded when nothing does (a re-import is a no-op)."""
    changes = changes_of(entry, fields)
    if not changes:
        return False
    async with audited(session, actor, "roster.update", entry, *changes):
        for name, value in changes.items():
            setattr(entry, name, value)
    return True
