from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.audit import checkpoints, service
from app.audit.schemas import AuditEventRead, ChainVerification, Checkpoint
from app.core.db import SessionDep
from app.core.errors import Unprocessable
from app.core.pagination import CursorDep, CursorPage
from app.core.permissions import permit
from app.core.principal import Principal
from app.core.time import utcnow

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


EventOrder = Annotated[
    Literal["-seq", "seq"],
    Query(description="indexed orders only: `-seq` newest first, `seq` oldest first"),
]


@router.get("/events")
async def list_events(
    session: SessionDep,
    _actor: Annotated[Principal, permit("audit.list")],
    page: CursorDep,
    object_type: Annotated[str | None, Query(max_length=40)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    sort: EventOrder = "-seq",
) -> CursorPage[AuditEventRead]:
    """The ledger, newest first, filterable by object and action: follow `next_cursor`."""
    found = await service.list_events(session, page, object_type, object_id, action, sort)
    return found.page([AuditEventRead.model_validate(r) for r in found.items], page)


def _parse_checkpoint(text: str | None) -> checkpoints.Checkpoint | None:
    try:
        return checkpoints.Checkpoint.parse(text) if text is not None else None
    except ValueError as exc:
        raise Unprocessable(str(exc), field="query.checkpoint") from exc


@router.get("/verify")
async def verify(
    session: SessionDep,
    _actor: Annotated[Principal, permit("audit.verify")],
    checkpoint: Annotated[
        str | None, Query(max_length=100, description=checkpoints.CHECKPOINT_HELP)
    ] = None,
) -> ChainVerification:
    """Recompute the hash chain and name the first event that was altered or removed; with a
    checkpoint (e.g. from a daily public notice), also catch a truncated or rewritten chain."""
    held = _parse_checkpoint(checkpoint)
    report = await checkpoints.verify(session, held)
    return ChainVerification(**asdict(report), checkpoint_seq=held.seq if held else None)


@router.get("/checkpoint")
async def checkpoint(
    session: SessionDep, _actor: Annotated[Principal, permit("audit.checkpoint")]
) -> Checkpoint:
    """The head of the chain, to keep outside the system as proof of history so far."""
    seq, head_hash = await service.checkpoint(session)
    return Checkpoint(seq=seq, hash=head_hash, taken_at=utcnow())
