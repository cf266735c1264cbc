"""Which batches an inspector may record results for: those assigned to them, directly or
through a drawn licence (an assignment to a licence covers that licence's batches)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.pagination import PageParams, paginate_rows
from app.core.principal import SYSTEM
from app.label import service as label_service
from app.label.models import LabelBatch
from app.planning import repository
from app.planning.models import InspectionAssignment
from app.planning.staffing import SAMPLED_BATCHES


async def covering(
    session: AsyncSession, inspector_id: int, batch: LabelBatch
) -> InspectionAssignment | None:
    return await repository.covering_assignment(session, inspector_id, batch)


async def assigned_batches(
    session: AsyncSession, inspector_id: int, page: PageParams
) -> tuple[list[Row[Any]], int]:
    """(batch, enterprise name) rows the inspector may sample now, newest first."""
    query = repository.assigned_batches(inspector_id, SAMPLED_BATCHES)
    return await paginate_rows(session, query, page)


async def assigned_batch(session: AsyncSession, inspector_id: int, batch_id: int) -> LabelBatch:
    """The batch, if an assignment of the inspector covers it; else the 404 a batch that does
    not exist gets (an inspector learns nothing of batches beyond their assignments)."""
    try:
        batch = await label_service.get_readable(session, SYSTEM, batch_id)
    except NotFound:
        batch = None
    if batch is None or await covering(session, inspector_id, batch) is None:
        raise NotFound(f"label batch {batch_id} not found")
    return batch
