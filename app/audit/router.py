from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import checkpoints, repository, service
from app.audit.schemas import AuditEventRead, ChainVerification, Checkpoint
from app.core.db import SessionDep
from app.core.errors import Unprocessable
from app.core.pagination import Page, PageDep, paginate
from app.core.permissions import permit
from app.core.principal import Principal
from app.core.time import utcnow

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("/events")
async def list_events(
    session: SessionDep,
    _actor: Annotated[Principal, permit("audit.list")],
    page: PageDep,
    object_type: Annotated[str | None, Query(max_length=40)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[AuditEventRead]:
    """The ledger, newest first, filterable by object and action."""
    query = repository.events(object_type, object_id, action)
    rows, total = await paginate(session, query, page)
    items = [AuditEventRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


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
