"""Application factory: settings, database, middleware, error handlers and every router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.audit.router import router as audit_router
from app.auth.deps import assert_routes_guarded
from app.auth.router import router as auth_router
from app.core import health
from app.core.clientip import parse_networks
from app.core.config import Settings, get_settings
from app.core.db import Database, engine_from_settings
from app.core.errors import install_error_handlers, unexpected_error
from app.core.logsafety import configure_logging
from app.core.ratelimit import MemoryBackend, RateLimitMiddleware, RedisBackend, default_rules
from app.core.requestid import RequestIdMiddleware
from app.enterprise.router import router as enterprise_router
from app.inspection.plan_router import router as plan_router
from app.inspection.router import router as inspection_router
from app.label.files import router as files_router
from app.label.router import router as label_router
from app.label.service import codec_from
from app.label.standing_router import router as standing_router
from app.licence.public import router as register_router
from app.licence.router import router as licence_router
from app.notice.router import router as notice_router
from app.registry.router import router as registry_router
from app.report.router import public as report_public_router
from app.report.router import router as report_router
from app.revocation.router import router as revocation_router
from app.verification.cache import VerdictCache
from app.verification.readers import create_pool
from app.verification.router import public as verify_router
from app.verification.router import router as scans_router
from app.verification.salts import SaltStore
from app.verification.scanlog import ScanLog
from app.verification.service import Verifier

# The public check comes first: routes are matched in order, and it is the hot path.
ROUTERS = (
    verify_router,
    health.router,
    auth_router,
    audit_router,
    registry_router,
    enterprise_router,
    licence_router,
    register_router,
    label_router,
    files_router,
    scans_router,
    report_public_router,
    report_router,
    standing_router,
    inspection_router,
    plan_router,
    revocation_router,
    notice_router,
)


def _verifier(settings: Settings, database: Database) -> Verifier:
    scans = ScanLog(database, settings.scan_write_mode == "batched", settings.scan_flush_seconds)
    proxies = parse_networks(settings.trusted_proxies)
    return Verifier(codec_from(settings), SaltStore(), scans, proxies, VerdictCache())


def _rate_limits(app: FastAPI, settings: Settings) -> None:
    backend = RedisBackend(settings.redis_url) if settings.redis_url else MemoryBackend()
    rules = default_rules(settings.public_rate_limit_per_minute)
    proxies = parse_networks(settings.trusted_proxies)
    app.add_middleware(RateLimitMiddleware, rules=rules, backend=backend, trusted_proxies=proxies)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    assert_routes_guarded(ROUTERS)
    settings = settings or get_settings()
    database = database or Database(engine_from_settings(settings))
    verifier = _verifier(settings, database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if verifier.scans.batched and database.engine.dialect.name == "postgresql":
            verifier.pool = await create_pool(settings.resolved_database_url, settings.db_pool_size)
        verifier.scans.start()
        yield
        await verifier.scans.stop()
        if verifier.pool is not None:
            await verifier.pool.close()
        await database.dispose()

    app = FastAPI(
        title="gimark",
        summary="Geographic-indication special-mark labels: licences, batches, QR verification",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings, app.state.database, app.state.verifier = settings, database, verifier
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    _rate_limits(app, settings)
    app.add_middleware(RequestIdMiddleware, on_error=unexpected_error)
    configure_logging()
    return app
