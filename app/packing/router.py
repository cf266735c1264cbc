"""The packing line's API (issue 15): activation of labels, and cartons and pallets.

Built for a line's controller with a licensee's API key: activation takes up to 10⁴ codes per
call (or a serial range, or a package), is idempotent (``Idempotency-Key``, as batch requests;
and re-activating active codes is a no-op, counted), and answers counts, not a row per code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request

from app.auth.deps import SettingsDep
from app.core.db import SessionDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.idempotency import service as idempotency
from app.label.activation import Outcome
from app.label.schemas import BatchMeasureRead, RecallRequest
from app.label.service import codec_from
from app.packing import service
from app.packing.schemas import (
    ActivationRequest,
    ActivationResult,
    DeactivationRequest,
    PackageCreate,
    PackageRead,
    PackRequest,
    PackResult,
    UnpackRequest,
)

router = APIRouter(prefix="/api/v1", tags=["packing line"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
PackageCodePath = Annotated[
    str, Path(min_length=1, max_length=32, description="an SSCC (18 digits) or a gimark code")
]
REPLAYED: dict[int | str, dict[str, Any]] = {
    200: {"description": "the counts (a replay of the same Idempotency-Key answers the same)"}
}


def _result(outcome: Outcome) -> dict[str, Any]:
    return ActivationResult(
        requested=outcome.requested,
        changed=outcome.changed,
        unchanged=outcome.unchanged,
        refused=outcome.refused,
        refused_codes=[{"code": c, "reason": r} for c, r in outcome.refused_codes],
        ranges=outcome.ranges,
    ).model_dump(mode="json")


@router.post("/labels/activate", responses=REPLAYED)
async def activate(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, permit("label.activate")],
    body: ActivationRequest,
    idempotency_key: IdempotencyKey = None,
) -> ActivationResult:
    """Put printed labels on sale: a scanned list (≤ 10,000 codes), a serial range of a batch,
    or a carton's or pallet's units. Inactive labels become active (verdict ``genuine``);
    active ones are counted as unchanged; others are refused with their reason. Needs an
    ``Idempotency-Key`` header."""

    async def work() -> tuple[int, Any]:
        return 200, _result(await service.switch(session, actor, body))

    digest = idempotency.request_hash("POST", request.url.path, body.model_dump(mode="json"))
    _status, payload = await idempotency.run_once(session, actor, idempotency_key, digest, work)
    return ActivationResult.model_validate(payload)


@router.post("/labels/deactivate", responses=REPLAYED)
async def deactivate(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, permit("label.deactivate")],
    body: DeactivationRequest,
    idempotency_key: IdempotencyKey = None,
) -> ActivationResult:
    """Take activated labels back to ``inactive`` (verdict ``not_active``), with a reason:
    a line's correction. Only labels of products (or licences) that require activation.
    Needs an ``Idempotency-Key`` header."""

    async def work() -> tuple[int, Any]:
        outcome = await service.switch(session, actor, body, deactivating=True, reason=body.reason)
        return 200, _result(outcome)

    digest = idempotency.request_hash("POST", request.url.path, body.model_dump(mode="json"))
    _status, payload = await idempotency.run_once(session, actor, idempotency_key, digest, work)
    return ActivationResult.model_validate(payload)


@router.post("/packages", status_code=201)
async def create_package(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("package.create")],
    body: PackageCreate,
) -> PackageRead:
    """Register a carton or a pallet: with the SSCC printed on it, or with a gimark code
    minted for it (printed like a label's, its scan shows its contents)."""
    package = await service.create(session, actor, codec_from(settings), body)
    return await service.read(session, package)


@router.get("/packages/{code}")
async def get_package(
    session: SessionDep, actor: Annotated[Principal, permit("package.read")], code: PackageCodePath
) -> PackageRead:
    return await service.read(session, await service.get_package(session, actor, code))


@router.post("/packages/{code}/pack")
async def pack(
    session: SessionDep,
    actor: Annotated[Principal, permit("package.pack")],
    code: PackageCodePath,
    body: PackRequest,
) -> PackResult:
    """Units (label codes) into a carton, or cartons (their codes) onto a pallet. Packing
    again what is already in it is a no-op, counted."""
    return await service.pack(session, actor, code, body.codes)


@router.post("/packages/{code}/unpack")
async def unpack(
    session: SessionDep,
    actor: Annotated[Principal, permit("package.unpack")],
    code: PackageCodePath,
    body: UnpackRequest,
) -> PackResult:
    """Take units out of a carton, or cartons off a pallet (or ``everything``)."""
    if body.everything:
        return await service.empty(session, actor, code)
    return await service.pack(session, actor, code, body.codes or [], out=True)


@router.post("/packages/{code}/recall")
async def recall(
    session: SessionDep,
    actor: Annotated[Principal, permit("batch.recall")],
    code: PackageCodePath,
    body: RecallRequest,
) -> list[BatchMeasureRead]:
    """Recall the lots a carton or pallet holds (each must be suspended, as any recall): every
    unit in it then reads ``recalled``. Published like any recall."""
    measures = await service.recall_contents(session, actor, code, body)
    return [BatchMeasureRead.model_validate(m) for m in measures]
