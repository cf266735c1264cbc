from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app.core import migrate
from app.core.permissions import PUBLIC

router = APIRouter(tags=["health"], dependencies=[PUBLIC])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up (no dependencies checked)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses={
        503: {"description": "the database does not answer, or its schema is not the newest"}
    },
)
async def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is at the newest migration."""
    database = request.app.state.database
    try:
        async with database.sessionmaker() as session:
            current = await migrate.session_revision(session)
    except (SQLAlchemyError, OSError) as exc:
        body = {"status": "unavailable", "database": f"unreachable: {type(exc).__name__}"}
        return JSONResponse(body, status_code=503)
    head = migrate.head_revision()
    if current != head:
        body = {"status": "unavailable", "database": f"schema at {current}, expected {head}"}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "schema": current})
