"""Two routes of the licence API that answer from label batches: a licence's quota (what its
batches use of it) and the non-use list.

A second router file because their paths, tags and operation ids are the licence API's
(``/api/v1/licences/…``, tag "licences") while what they count lives here, above the licence
domain. ``app.main`` mounts this router before the licence router, so ``/non-use`` is matched
before ``/{licence_id}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.core.time import public_today, utcnow
from app.label import licence_use
from app.licence import service as licence_service
from app.licence.schemas import NonUseCase, Quota

router = APIRouter(prefix="/api/v1/licences", tags=["licences"])


@router.get("/non-use")
async def non_use(
    session: SessionDep, _actor: Annotated[Principal, permit("licence.non_use")]
) -> list[NonUseCase]:
    """Active licences with no label issued and no label scanned for 24 months, with the dates
    that prove it: the legal trigger for ordering the licensee to exit."""
    return await licence_use.find_non_use(session, utcnow())


@router.get("/{licence_id}/quota")
async def get_quota(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.read")],
    licence_id: int,
    season: Annotated[
        int | None, Query(ge=2000, le=2100, description="defaults to this year")
    ] = None,
) -> Quota:
    """Mass balance: how many labels this licence may still request this season."""
    licence = await licence_service.get_readable(session, actor, licence_id)
    return await licence_use.season_quota(session, licence, season or public_today().year)
