"""The appeal trail: the adverse acts against an enterprise and its deadlines to appeal."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.appeal import service
from app.appeal.schemas import AppealRightRead
from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal

router = APIRouter(prefix="/api/v1/appeal-rights", tags=["appeal rights"])
ObjectType = Literal["licence", "label_batch", "revocation", "credit_listing"]


@router.get("")
async def list_appeal_rights(
    session: SessionDep,
    actor: Annotated[Principal, permit("appeal.list")],
    page: PageDep,
    enterprise_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    object_type: ObjectType | None = None,
    object_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Page[AppealRightRead]:
    """Every adverse act (licence refused, suspended or withdrawn; batch rejected, suspended
    or recalled; a revocation; a credit listing) with the deadline to apply for administrative
    review (行政复议, 60 days by default) and to sue (行政诉讼, 6 months by default), newest
    first. A licensee sees the acts against its own enterprise only."""
    rows, total = await service.list_readable(
        session,
        actor,
        page,
        enterprise_id=enterprise_id,
        object_type=object_type,
        object_id=object_id,
    )
    items = [AppealRightRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
