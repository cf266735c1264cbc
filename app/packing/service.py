"""The packing line: activation of labels (by list, serial range or package) and
aggregation of units into cartons and cartons onto pallets (issue 15 points 2-3).

Only a licensee (a person or its API key) acts, on its own enterprise's labels and packages;
anything else reads as unknown (404 for a package, ``unknown`` for a code), as everywhere.
Each call is one audited transition, with counts, not an event per code; units put into or
taken out of a carton are also named per batch as serial runs (``labels.packed`` /
``labels.unpacked`` with the carton's code, ``app.label.runs``), which the EPCIS
AggregationEvents read (``app.epcis``). Cartons put on or taken off a pallet are named in the
pallet's own transition (``after["cartons"]``, with the pallet's code): their codes belong to
no batch, and a pallet's call moves at most 10⁴ of them, so the ledger holds them as they are
and the pallet's AggregationEvents read them there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.core.principal import Principal
from app.label import activation, standing
from app.label import service as label_service
from app.label.code import ALPHABET, CODE_LENGTH, LabelCodec, normalise
from app.label.models import BatchMeasure, LabelStatus
from app.label.repository import labels_coded
from app.label.runs import record_runs, serials_by_batch
from app.label.schemas import RecallRequest
from app.packing import repository
from app.packing.codes import package_code
from app.packing.models import Package, PackageKind
from app.packing.schemas import (
    ActivationRequest,
    PackageCreate,
    PackageRead,
    PackResult,
    RefusedCode,
)

SAMPLE = activation.SAMPLE


def _enterprise_of(actor: Principal) -> int:
    if actor.enterprise_id is None:
        raise Forbidden("only a licensee's account or API key acts on its packing line")
    return actor.enterprise_id


def _as_printed(code: str) -> bool:
    """20 characters of the alphabet (``strip`` empties only such a string, in C)."""
    return len(code) == CODE_LENGTH and not code.strip(ALPHABET)


def _normalised(codes: Sequence[str]) -> tuple[list[str], list[str]]:
    """(codes normalised, without repeats, in order; inputs that cannot be codes, as typed).

    A scanner sends codes as printed in the QR (upper case, no hyphens): those are taken as
    they are; only other input is normalised. The check character is not computed here: a
    code no label has is looked at again only when the call finds it missing (then
    ``malformed`` or ``unknown``), so a line's call of 10,000 good codes pays nothing for it."""
    wanted: dict[str, None] = {}
    malformed: list[str] = []
    for typed in codes:
        code = (
            typed if len(typed) == CODE_LENGTH and not typed.strip(ALPHABET) else normalise(typed)
        )
        if len(code) == CODE_LENGTH and not code.strip(ALPHABET):
            wanted[code] = None
        else:
            malformed.append(typed)
    return list(wanted), malformed


async def get_package(session: AsyncSession, actor: Principal, typed: str) -> Package:
    code = package_code(typed)
    found = None if code is None else await session.scalar(repository.readable_package(actor, code))
    if found is None:
        raise NotFound(f"package {typed} not found")
    return found


async def find_public(session: AsyncSession, code: str) -> Package | None:
    """The package of ``code`` (already in its stored form), for the public scan."""
    package: Package | None = await session.scalar(repository.package_by_code(code))
    return package


# --- activation ------------------------------------------------------------------------------


async def switch(
    session: AsyncSession,
    actor: Principal,
    body: ActivationRequest,
    *,
    deactivating: bool = False,
    reason: str | None = None,
) -> activation.Outcome:
    enterprise_id = _enterprise_of(actor)
    malformed: list[str] = []
    if body.codes is not None:
        codes, malformed = _normalised(body.codes)
        target = activation.codes_target(session, codes)
    elif body.package is not None:
        package = await get_package(session, actor, body.package)
        described = {"package": package.code, "kind": package.kind.value}
        target = activation.Target(repository.units_of(package), None, described)
    else:
        batch = await label_service.get_readable(session, actor, body.batch_id or 0)
        first, last = body.first_serial or 0, body.last_serial or 0
        target = activation.range_target(batch.id, first, last)
    outcome = await activation.switch(
        session, actor, enterprise_id, target, deactivating=deactivating, reason=reason
    )
    if malformed:
        outcome.requested += len(malformed)
        outcome.refuse("malformed", len(malformed))
        room = max(0, SAMPLE - len(outcome.refused_codes))
        outcome.refused_codes += [(typed[:32], "malformed") for typed in malformed[:room]]
    return outcome


# --- packages --------------------------------------------------------------------------------


async def create(
    session: AsyncSession, actor: Principal, codec: LabelCodec, data: PackageCreate
) -> Package:
    """A carton or pallet with the SSCC its line prints, or a gimark code minted for it."""
    enterprise_id = _enterprise_of(actor)
    if data.code is not None:
        code = package_code(data.code)
        if code is None:
            raise Unprocessable("a package code is an SSCC (18 digits, GS1 check digit)")
    else:
        code = codec.mint()
    if await session.scalar(repository.code_taken(code)) is not None:
        raise Conflict(f"package code {code} is taken")
    package = Package(
        code=code, kind=data.kind, enterprise_id=enterprise_id, created_by_id=actor.user_id
    )
    session.add(package)
    await session.flush()
    after = {"code": code, "kind": data.kind.value}
    await record_transition(session, actor, "package.create", "package", package.id, after=after)
    return package


async def read(session: AsyncSession, package: Package) -> PackageRead:
    statuses = await session.execute(repository.status_counts(package))
    parent = None
    if package.parent_id is not None:
        parent = await session.scalar(repository.parent_code(package.parent_id))
    return PackageRead(
        id=package.id,
        code=package.code,
        kind=package.kind,
        enterprise_id=package.enterprise_id,
        parent=parent,
        created_at=package.created_at,
        units=int(await session.scalar(repository.unit_count(package)) or 0),
        cartons=int(await session.scalar(repository.carton_count(package)) or 0),
        statuses={LabelStatus(status).value: int(count) for status, count in statuses},
    )


class _Tally:
    def __init__(self, package: Package) -> None:
        self.result = PackResult(
            package=package.code, changed=0, unchanged=0, refused={}, refused_codes=[]
        )
        self.units: list[tuple[int, int]] = []  # (batch id, serial) of the units moved
        self.cartons: list[str] = []  # the codes of the cartons moved

    def refuse(self, code: str, reason: str) -> None:
        refused = self.result.refused
        refused[reason] = refused.get(reason, 0) + 1
        if len(self.result.refused_codes) < SAMPLE:
            self.result.refused_codes.append(RefusedCode(code=code[:32], reason=reason))


async def pack(
    session: AsyncSession, actor: Principal, typed: str, codes: Sequence[str], *, out: bool = False
) -> PackResult:
    """Units into a carton, or cartons onto a pallet (``out``: take them out again)."""
    package = await get_package(session, actor, typed)
    tally = _Tally(package)
    if package.kind is PackageKind.CARTON:
        await _pack_units(session, package, codes, tally, out)
    else:
        await _pack_cartons(session, package, codes, tally, out)
    result = tally.result
    after: dict[str, Any] = {"changed": result.changed, "unchanged": result.unchanged}
    after["refused"] = result.refused
    if package.kind is PackageKind.PALLET:
        after |= {"package": package.code, "cartons": tally.cartons}
    action = "package.unpack" if out else "package.pack"
    await record_transition(session, actor, action, "package", package.id, after=after)
    await _record_units(session, actor, package, tally.units, out)
    return result


async def _record_units(
    session: AsyncSession,
    actor: Principal,
    carton: Package,
    units: list[tuple[int, int]],
    out: bool,
) -> None:
    """The units the call moved, per batch, with the carton they went into (came out of)."""
    action = "labels.unpacked" if out else "labels.packed"
    context = {"package": carton.code}
    await record_runs(session, actor, action, serials_by_batch(units), context=context)


async def _pack_units(
    session: AsyncSession, carton: Package, typed: Sequence[str], tally: _Tally, out: bool
) -> None:
    codes, malformed = _normalised(typed)
    for code in malformed:
        tally.refuse(code, "malformed")
    placements = await session.execute(
        repository.unit_placements(labels_coded(session, codes), carton.enterprise_id)
    )
    found: dict[str, tuple[LabelStatus, int | None]] = {}
    serials: dict[str, tuple[int, int]] = {}
    for code, status, carton_id, batch_id, serial in placements:
        found[code], serials[code] = (status, carton_id), (batch_id, serial)
    moving: list[str] = []
    for code in codes:
        if code not in found:
            tally.refuse(code, "unknown")
            continue
        status, carton_id = found[code]
        if out:
            if carton_id == carton.id:
                moving.append(code)
            else:
                tally.result.unchanged += 1
        elif carton_id == carton.id:
            tally.result.unchanged += 1
        elif carton_id is not None:
            tally.refuse(code, "in_another_package")
        elif status not in LabelStatus.live():
            tally.refuse(code, status.value)
        else:
            moving.append(code)
    if out:
        moved = await repository.remove_units(session, carton.id, moving) if moving else []
    else:
        await repository.add_units(session, carton.id, moving)
        moved = moving
    tally.result.changed = len(moved)
    tally.units = [serials[code] for code in moved]


async def _pack_cartons(
    session: AsyncSession, pallet: Package, typed: Sequence[str], tally: _Tally, out: bool
) -> None:
    wanted: dict[str, None] = {}
    for raw in typed:
        code = package_code(raw)
        if code is None:
            tally.refuse(raw, "malformed")
        else:
            wanted[code] = None
    codes = list(wanted)
    rows = await session.execute(repository.carton_placements(codes, pallet.enterprise_id))
    found = {code: (kind, parent) for code, kind, parent in rows}
    moving: list[str] = []
    for code in codes:
        if code not in found:
            tally.refuse(code, "unknown")
            continue
        kind, parent = found[code]
        if kind is not PackageKind.CARTON:
            tally.refuse(code, "not_a_carton")
        elif out:
            if parent == pallet.id:
                moving.append(code)
            else:
                tally.result.unchanged += 1
        elif parent == pallet.id:
            tally.result.unchanged += 1
        elif parent is not None:
            tally.refuse(code, "in_another_package")
        else:
            moving.append(code)
    if moving:
        target = None if out else pallet.id
        tally.result.changed = await repository.set_pallet(
            session, moving, pallet.enterprise_id, target
        )
        tally.cartons = moving  # each is the enterprise's carton, so each was moved


async def empty(session: AsyncSession, actor: Principal, typed: str) -> PackResult:
    """Take everything out of the package."""
    package = await get_package(session, actor, typed)
    if package.kind is PackageKind.CARTON:
        tally = _Tally(package)
        removed = await repository.remove_units(session, package.id, None)
        tally.result.changed = len(removed)
        after = {"changed": tally.result.changed, "everything": True}
        await record_transition(
            session, actor, "package.unpack", "package", package.id, after=after
        )
        if removed:
            rows = await session.execute(repository.serials_of(removed))
            units = [(batch_id, serial) for batch_id, serial in rows]
            await _record_units(session, actor, package, units, out=True)
        return tally.result
    cartons = list(await session.scalars(repository.cartons_on(package.id)))
    return (
        await pack(session, actor, typed, cartons, out=True) if cartons else _Tally(package).result
    )


# --- recall by package -----------------------------------------------------------------------


async def recall_contents(
    session: AsyncSession, actor: Principal, typed: str, request: RecallRequest
) -> list[BatchMeasure]:
    """Recall the lots a carton or pallet holds: each batch with units in it is recalled (a
    recall is of a lot; every unit of the package and of its lots then reads ``recalled``).
    Every such batch must be under suspension, as any recall requires; none is recalled
    otherwise (the caller's transaction rolls back at the first refusal)."""
    package = await get_package(session, actor, typed)
    batch_ids = list(await session.scalars(repository.batches_of_units(package)))
    if not batch_ids:
        raise Conflict(f"package {package.code} holds no labels; nothing to recall")
    return [await standing.recall(session, actor, batch_id, request) for batch_id in batch_ids]


async def unit_codes(session: AsyncSession, actor: Principal, typed: str) -> list[str]:
    """The codes of the package's units (a pallet: of its cartons'), for a revocation."""
    package = await get_package(session, actor, typed)
    return list(await session.scalars(repository.unit_codes(package)))


async def contents_facts(session: AsyncSession, package: Package) -> list[tuple[Any, ...]]:
    """The verdict-deciding facts of the package's units, grouped, each with its count
    (``repository.contents_facts``): what the public scan of a carton summarises."""
    return [tuple(row) for row in await session.execute(repository.contents_facts(package))]
