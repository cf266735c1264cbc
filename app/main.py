"""Application factory: settings, database, middleware, error handlers and every router."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.audit.router import router as audit_router
from app.auth.deps import assert_routes_guarded
from app.auth.router import router as auth_router
from app.core import health
from app.core.config import Settings, get_settings
from app.core.db import Database, engine_from_settings
from app.core.errors import install_error_handlers, unexpected_error
from app.core.requestid import RequestIdMiddleware
from app.enterprise.router import router as enterprise_router
from app.label.files import router as files_router
from app.label.router import router as label_router
from app.licence.public import router as register_router
from app.licence.router import router as licence_router
from app.registry.router import router as registry_router

ROUTERS = (
    health.router,
    auth_router,
    audit_router,
    registry_router,
    enterprise_router,
    licence_router,
    register_router,
    label_router,
    files_router,
)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    assert_routes_guarded(ROUTERS)
    settings = settings or get_settings()
    database = database or Database(engine_from_settings(settings))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await database.dispose()

    app = FastAPI(
        title="gimark",
        summary="Geographic-indication special-mark labels: licences, batches, QR verification",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware, on_error=unexpected_error)
    logging.getLogger("gimark").setLevel(logging.INFO)
    return app
