"""A batch's standing after issue: suspend, clear, recall (regulators), and its history.

A second router file of the label domain because these are the regulators' measures on a
batch, with their own evidence rules (``recall_cause``), beside the licensee's own batch flow
in ``router``; both share the ``/api/v1/batches`` prefix and tag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from app.core.db import SessionDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.label import service, standing
from app.label.models import BatchMeasure
from app.label.schemas import BatchMeasureRead, RecallRequest, StandingChange

router = APIRouter(prefix="/api/v1/batches/{batch_id}", tags=["label batches"])


def _read(measure: BatchMeasure) -> BatchMeasureRead:
    return BatchMeasureRead.model_validate(measure)


@router.post("/suspend")
async def suspend(
    session: SessionDep,
    actor: Annotated[Principal, permit("batch.suspend")],
    batch_id: int,
    body: StandingChange,
) -> BatchMeasureRead:
    """Suspend an issued batch pending investigation (e.g. on consumer reports); a failing
    inspection does this by itself."""
    batch = await standing.get_batch_for_update(session, actor, batch_id)
    return _read(await standing.suspend(session, actor, batch, body.reason))


@router.post("/clear")
async def clear(
    session: SessionDep,
    actor: Annotated[Principal, permit("batch.clear")],
    batch_id: int,
    body: StandingChange,
) -> BatchMeasureRead:
    """End a suspension: the batch returns to good standing (public verdict ``genuine``)."""
    return _read(await standing.clear(session, actor, batch_id, body.reason))


@router.post("/recall")
async def recall(
    session: SessionDep,
    actor: Annotated[Principal, permit("batch.recall")],
    batch_id: int,
    body: RecallRequest,
) -> BatchMeasureRead:
    """Recall a suspended batch. Irreversible; published in the public notices with its legal
    basis and its cause: a failing inspection of the batch, a consumer report or a case."""
    return _read(await standing.recall(session, actor, batch_id, body))


@router.get("/measures")
async def measures(
    session: SessionDep, actor: Annotated[Principal, permit("batch.read")], batch_id: int
) -> list[BatchMeasureRead]:
    """Every suspension, clearance and recall of the batch, oldest first."""
    batch = await service.get_readable(session, actor, batch_id)
    return [_read(m) for m in await standing.measures_of(session, batch.id)]
