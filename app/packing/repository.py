"""The packing domain's SQL: packages, the units in cartons, and the selections of a
package's units that activation, revocation and the public carton scan act on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.enterprise.repository import enterprises_in_reach
from app.label.models import Label, LabelBatch, LabelScanStat, LabelStatus
from app.licence.models import Licence
from app.packing.models import Package, PackageKind, PackageUnit


def package_by_code(code: str) -> Select[Package]:
    return select(Package).where(Package.code == code)


def readable_package(principal: Principal, code: str) -> Select[Package]:
    """A licensee reads its enterprise's packages, a bureau those of the enterprises in its
    jurisdiction (issue 14)."""
    query = package_by_code(code)
    if principal.is_licensee:
        query = query.where(Package.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(Package.enterprise_id.in_(reach))
    return query


def code_taken(code: str) -> Select[str]:
    return select(Package.code).where(Package.code == code)


def parent_code(parent_id: int) -> Select[str]:
    return select(Package.code).where(Package.id == parent_id)


def units_of(package: Package) -> ColumnElement[bool]:
    """``label.code`` is a unit of the package (a pallet: of the cartons on it)."""
    if package.kind is PackageKind.PALLET:
        cartons = select(Package.id).where(Package.parent_id == package.id)
        units = select(PackageUnit.code).where(PackageUnit.package_id.in_(cartons))
    else:
        units = select(PackageUnit.code).where(PackageUnit.package_id == package.id)
    return Label.code.in_(units)


def unit_count(package: Package) -> Select[int]:
    return select(func.count()).select_from(Label).where(units_of(package))


def carton_count(package: Package) -> Select[int]:
    return select(func.count()).where(Package.parent_id == package.id)


def status_counts(package: Package) -> Select[LabelStatus, int]:
    return select(Label.status, func.count()).where(units_of(package)).group_by(Label.status)


def batches_of_units(package: Package) -> Select[int]:
    return select(Label.batch_id).where(units_of(package)).distinct().order_by(Label.batch_id)


def unit_placements(
    which: ColumnElement[bool], enterprise_id: int
) -> Select[str, LabelStatus, int | None, int, int]:
    """(code, label status, carton id or None, batch id, serial) of the enterprise's labels
    among ``which``."""
    return (
        select(Label.code, Label.status, PackageUnit.package_id, Label.batch_id, Label.serial)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .outerjoin(PackageUnit, PackageUnit.code == Label.code)
        .where(which, LabelBatch.enterprise_id == enterprise_id)
    )


async def add_units(session: AsyncSession, package_id: int, codes: Sequence[str]) -> int:
    if not codes:
        return 0
    rows = [{"code": code, "package_id": package_id} for code in codes]
    await session.execute(insert(PackageUnit), rows)
    return len(rows)


async def remove_units(
    session: AsyncSession, package_id: int, codes: Sequence[str] | None
) -> list[str]:
    """Take ``codes`` (None: every unit) out of the carton; the codes that were in it."""
    query = delete(PackageUnit).where(PackageUnit.package_id == package_id)
    if codes is not None:
        query = query.where(PackageUnit.code.in_(list(codes)))
    returning = query.returning(PackageUnit.code).execution_options(synchronize_session=False)
    return list(await session.scalars(returning))


def serials_of(codes: Sequence[str]) -> Select[int, int]:
    """(batch id, serial) of the labels among ``codes``."""
    return select(Label.batch_id, Label.serial).where(Label.code.in_(list(codes)))


def carton_placements(
    codes: Sequence[str], enterprise_id: int
) -> Select[str, PackageKind, int | None]:
    """(code, kind, pallet id or None) of the enterprise's packages among ``codes``."""
    return select(Package.code, Package.kind, Package.parent_id).where(
        Package.code.in_(list(codes)), Package.enterprise_id == enterprise_id
    )


async def set_pallet(
    session: AsyncSession, codes: Sequence[str], enterprise_id: int, pallet_id: int | None
) -> int:
    """Put the enterprise's cartons among ``codes`` on the pallet (None: off any pallet)."""
    query = (
        update(Package)
        .where(
            Package.code.in_(list(codes)),
            Package.enterprise_id == enterprise_id,
            Package.kind == PackageKind.CARTON,
        )
        .values(parent_id=pallet_id)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(query)
    return int(result.rowcount)  # type: ignore[attr-defined]


def cartons_on(pallet_id: int) -> Select[str]:
    return select(Package.code).where(Package.parent_id == pallet_id)


def contents_facts(
    package: Package,
) -> Select[LabelStatus, Any, Any, Any, bool, int]:
    """The verdict-deciding facts of the package's units, grouped and counted: (label
    status, batch status, licence status, licence valid until, flagged as copied, count)."""
    flagged = LabelScanStat.suspect_reason.is_not(None)
    return (
        select(
            Label.status,
            LabelBatch.status,
            Licence.status,
            Licence.valid_until,
            flagged,
            func.count(),
        )
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .join(Licence, Licence.id == LabelBatch.licence_id)
        .outerjoin(LabelScanStat, LabelScanStat.code == Label.code)
        .where(units_of(package))
        .group_by(Label.status, LabelBatch.status, Licence.status, Licence.valid_until, flagged)
    )


def unit_codes(package: Package) -> Select[str]:
    return select(Label.code).where(units_of(package)).order_by(Label.code)
