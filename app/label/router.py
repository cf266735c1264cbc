from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from app.auth.deps import SettingsDep
from app.core.db import SessionDep
from app.core.pagination import CursorDep, CursorPage
from app.core.permissions import permit
from app.core.principal import Principal
from app.idempotency import service as idempotency
from app.label import replacement, service
from app.label.code import format_grouped
from app.label.models import BatchStatus, Label, LabelBatch
from app.label.schemas import (
    BatchApprove,
    BatchDecision,
    BatchRead,
    BatchRequest,
    IssueQueued,
    LabelRead,
    LabelsChanged,
    Reconciliation,
    ReplacementRequest,
    Replacements,
    UndoVoidRequest,
    VoidRequest,
)
from app.label.urls import verification_url

router = APIRouter(prefix="/api/v1", tags=["label batches"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


@router.post("/batches", status_code=201, responses={200: {"description": "replayed"}})
async def request_batch(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("batch.request")],
    body: BatchRequest,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Request labels for a production lot, within the licence's quota. Needs an
    ``Idempotency-Key`` header: a retry returns the first response, never a second batch."""

    async def work() -> tuple[int, Any]:
        batch = await service.request_batch(session, actor, body, settings)
        return 201, BatchRead.model_validate(batch).model_dump(mode="json")

    digest = idempotency.request_hash("POST", request.url.path, body.model_dump(mode="json"))
    status, payload = await idempotency.run_once(session, actor, idempotency_key, digest, work)
    return JSONResponse(payload, status_code=status)


BatchSearch = Annotated[
    str | None,
    Query(
        max_length=100,
        description="a substring of the lot number, the enterprise's name or USCC, or the "
        "product's name; or a whole label code",
    ),
]
BatchOrder = Annotated[
    Literal["-id", "id"],
    Query(description="indexed orders only: `-id` newest request first, `id` oldest first"),
]


@router.get("/batches")
async def list_batches(
    session: SessionDep,
    actor: Annotated[Principal, permit("batch.list")],
    page: CursorDep,
    status: BatchStatus | None = None,
    licence_id: int | None = None,
    q: BatchSearch = None,
    sort: BatchOrder = "-id",
) -> CursorPage[BatchRead]:
    """Batches the caller may see, newest first, a page at a time: follow `next_cursor`."""
    found = await service.list_readable(session, actor, page, status, licence_id, q, sort)
    return found.page([BatchRead.model_validate(r) for r in found.items], page)


@router.get("/batches/{batch_id}")
async def get_batch(
    session: SessionDep, actor: Annotated[Principal, permit("batch.read")], batch_id: int
) -> BatchRead:
    return BatchRead.model_validate(await service.get_readable(session, actor, batch_id))


@router.post("/batches/{batch_id}/approve")
async def approve(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("batch.approve")],
    batch_id: int,
    body: BatchApprove | None = None,
) -> BatchRead:
    """Approve a request, with an optional reason; by default its codes are issued in the same
    step. The body may be left out (older clients send none)."""
    data = body or BatchApprove()
    batch = await service.approve(session, actor, batch_id, data, settings, large_in_job=True)
    return BatchRead.model_validate(batch)


@router.post("/batches/{batch_id}/reject")
async def reject(
    session: SessionDep,
    actor: Annotated[Principal, permit("batch.reject")],
    batch_id: int,
    body: BatchDecision,
) -> BatchRead:
    return BatchRead.model_validate(await service.reject(session, actor, batch_id, body))


@router.post(
    "/batches/{batch_id}/issue",
    response_model=BatchRead,
    responses={202: {"model": IssueQueued, "description": "a job issues the codes; poll it"}},
)
async def issue(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("batch.issue")],
    batch_id: int,
) -> Any:
    """Issue an approved batch's codes (exactly once, however often it is called). A batch of
    ``GIMARK_ISSUE_IN_JOB_FROM`` labels or more (default 100,000) is issued by the job worker:
    202 with the job to poll (``Location``); asking again meanwhile answers the same job."""
    outcome = await service.request_issue(session, actor, batch_id, settings)
    if isinstance(outcome, LabelBatch):
        return BatchRead.model_validate(outcome)
    return _queued(outcome.id, str(outcome.status), batch_id)


def _queued(job_id: int, job_status: str, batch_id: int) -> JSONResponse:
    job_url = f"/api/v1/jobs/{job_id}"
    payload = IssueQueued(
        job_id=job_id,
        job_status=job_status,
        job_url=job_url,
        batch_url=f"/api/v1/batches/{batch_id}",
    )
    return JSONResponse(payload.model_dump(), status_code=202, headers={"Location": job_url})


@router.get("/batches/{batch_id}/reconciliation")
async def reconciliation(
    session: SessionDep, actor: Annotated[Principal, permit("batch.read")], batch_id: int
) -> Reconciliation:
    """Issued, voided, revoked and scanned-at-least-once counts: the mark-use ledger."""
    return await service.reconcile(session, actor, batch_id)


@router.post("/batches/{batch_id}/replacements", status_code=201)
async def request_replacements(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("batch.replace")],
    batch_id: int,
    body: ReplacementRequest,
) -> BatchRead:
    """Request replacement labels for voided labels of one of your issued batches: a new batch
    (lot ``<lot>-R1`` unless named) for as many labels, counted against the season's quota and
    approved like any request. Each voided code is replaced once (409 after); a rejected
    replacement releases its codes. A retry is a 409, never a second batch, so no
    ``Idempotency-Key`` is needed."""
    batch = await replacement.request_replacements(session, actor, batch_id, body, settings)
    return BatchRead.model_validate(batch)


@router.get("/batches/{batch_id}/replacements")
async def replacements(
    session: SessionDep, actor: Annotated[Principal, permit("batch.read")], batch_id: int
) -> Replacements:
    """What this batch replaces, which batches replace its voided labels, and how many of
    them are still to be replaced."""
    return await replacement.replacements(session, actor, batch_id)


def label_read(label: Label, base_url: str) -> LabelRead:
    return LabelRead(
        code=label.code,
        grouped_code=format_grouped(label.code),
        batch_id=label.batch_id,
        serial=label.serial,
        status=label.status,
        status_changed_at=label.status_changed_at,
        status_reason=label.status_reason,
        url=verification_url(base_url, label.code),
    )


LabelOrder = Annotated[
    Literal["serial", "-serial"],
    Query(description="indexed orders only: `serial` first label first, `-serial` last first"),
]


@router.get("/batches/{batch_id}/labels")
async def list_batch_labels(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("label.read")],
    batch_id: int,
    page: CursorDep,
    code: Annotated[
        str | None, Query(max_length=64, description="one whole code, as printed or not")
    ] = None,
    sort: LabelOrder = "serial",
) -> CursorPage[LabelRead]:
    """A batch's labels with their status, a page at a time: follow `next_cursor`."""
    found = await service.list_labels(session, actor, batch_id, page, code, sort)
    base_url = settings.public_base_url
    return found.page([label_read(label, base_url) for label in found.items], page)


@router.get("/labels/{code}")
async def get_label(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("label.read")],
    code: str,
) -> LabelRead:
    return label_read(await service.get_label(session, actor, code), settings.public_base_url)


@router.post("/labels/void")
async def void_labels(
    session: SessionDep, actor: Annotated[Principal, permit("label.void")], body: VoidRequest
) -> LabelsChanged:
    """Take damaged or misprinted labels out of use (undo possible for 10 days)."""
    return LabelsChanged(changed=await service.void_labels(session, actor, body.codes, body.reason))


@router.post("/labels/unvoid")
async def undo_void(
    session: SessionDep, actor: Annotated[Principal, permit("label.unvoid")], body: UndoVoidRequest
) -> LabelsChanged:
    return LabelsChanged(changed=await service.undo_void(session, actor, body.codes))
