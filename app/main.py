"""Application factory: settings, database, middleware, error handlers and every router."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
from fastapi import Depends, FastAPI
from starlette.types import Receive, Scope, Send

from app.appeal.router import router as appeal_router
from app.audit.router import router as audit_router
from app.auth.deps import authenticate
from app.auth.router import router as auth_router
from app.calendar.router import router as calendar_router
from app.console.router import ROUTERS as CONSOLE_ROUTERS
from app.console.router import install_console
from app.core import health
from app.core.accesslog import AccessLog
from app.core.apidocs import install_api_docs
from app.core.appeals import AppealPeriods, set_appeal_periods
from app.core.bodylimit import BodyLimitMiddleware
from app.core.clientip import parse_networks
from app.core.config import Settings, get_settings
from app.core.db import Database, engine_from_settings
from app.core.errors import install_error_handlers
from app.core.hotpath import Edge, HotPaths, SegmentRoute, healthz
from app.core.inputs import NulInUrlMiddleware, refuse_unstorable_input
from app.core.logformat import install_log_format
from app.core.logsafety import configure_logging
from app.core.metrics import REQUEST_METRICS, MetricsEndpoint, Sampler
from app.core.observe import ObserveMiddleware
from app.core.openapi import install_problem_responses
from app.core.permissions import assert_routes_guarded
from app.core.ratelimit import (
    MemoryBackend,
    PublicLimits,
    RateLimitMiddleware,
    RedisBackend,
    default_rules,
)
from app.core.requestid import RequestIdMiddleware
from app.core.security import install_authenticator
from app.core.time import set_public_time_zone
from app.credit.public import router as credit_public_router
from app.credit.router import router as credit_router
from app.enterprise.router import router as enterprise_router
from app.epcis.router import router as epcis_router
from app.inspection.router import router as inspection_router
from app.jobs.print_router import router as print_files_router
from app.jobs.router import router as jobs_router
from app.jobs.runtime import in_app_worker
from app.label.code import CodeStatus, LabelCodec
from app.label.files import router as files_router
from app.label.licence_use_router import router as licence_use_router
from app.label.router import router as label_router
from app.label.service import codec_from
from app.label.standing_router import router as standing_router
from app.licence.public import router as register_router
from app.licence.router import router as licence_router
from app.notice.router import router as notice_router
from app.organisation.router import router as organisation_router
from app.origin.router import router as origin_router
from app.packing.router import router as packing_router
from app.planning.router import router as plan_router
from app.registry.router import router as registry_router
from app.report.router import public as report_public_router
from app.report.router import router as report_router
from app.revocation.router import router as revocation_router
from app.revocation.withdrawal_router import router as withdrawal_router
from app.statistics.router import public as statistics_public_router
from app.statistics.router import router as statistics_router
from app.supervision.router import router as supervision_router
from app.tradeitem.router import router as item_router
from app.verification.cache import VerdictCache
from app.verification.lean import MAX_CODE_INPUT, LeanVerifyJson
from app.verification.readers import create_pool
from app.verification.replica import ReplicaReads
from app.verification.resolver import router as resolver_router
from app.verification.router import public as verify_router
from app.verification.router import router as scans_router
from app.verification.router import typed_code as typed_code_router
from app.verification.salts import SaltStore
from app.verification.scanlog import ScanLog
from app.verification.service import Verifier
from app.verification.telemetry import sample_of
from app.web.errors import install_html_errors, server_error, too_many_requests
from app.web.router import router as web_router
from app.wiring import wire

# The public check comes first: routes are matched in order, and it is the hot path.
ROUTERS = (
    verify_router,
    resolver_router,
    health.router,
    auth_router,
    organisation_router,
    audit_router,
    calendar_router,
    registry_router,
    enterprise_router,
    credit_router,
    credit_public_router,
    appeal_router,
    item_router,
    origin_router,
    licence_use_router,  # before the licence router: its /non-use must precede /{licence_id}
    licence_router,
    withdrawal_router,
    register_router,
    label_router,
    files_router,
    packing_router,
    print_files_router,
    scans_router,
    report_public_router,
    report_router,
    standing_router,
    inspection_router,
    plan_router,
    revocation_router,
    epcis_router,
    notice_router,
    supervision_router,
    jobs_router,
    statistics_router,
    statistics_public_router,
    typed_code_router,
    web_router,
    *CONSOLE_ROUTERS,
)


def _verifier(settings: Settings, database: Database) -> Verifier:
    batched = settings.scan_write_mode == "batched"
    salts = SaltStore()
    scans = ScanLog(
        database, batched, settings.scan_flush_seconds, settings.scan_buffer_max, salts=salts
    )
    proxies = parse_networks(settings.trusted_proxies)
    outage_max_age = settings.outage_answer_max_hours * 3600
    cache = VerdictCache()
    return Verifier(
        codec_from(settings), salts, scans, proxies, cache, outage_max_age=outage_max_age
    )


async def _replica_reads(settings: Settings, primary: asyncpg.Pool) -> ReplicaReads | None:
    if not settings.replica_database_url:
        return None
    timeout = settings.replica_timeout_seconds
    pool = await create_pool(
        settings.replica_database_url, settings.db_pool_size, min_size=0, connect_seconds=timeout
    )
    return ReplicaReads(primary, pool, timeout=timeout)


def _public_limits(settings: Settings) -> PublicLimits:
    return PublicLimits(
        checks_per_minute=settings.rate_limit_checks_per_minute,
        bad_codes_per_hour=settings.rate_limit_bad_codes_per_hour,
        reports_per_hour=settings.rate_limit_reports_per_hour,
        reports_per_code_per_hour=settings.rate_limit_reports_per_code_per_hour,
        pages_per_minute=settings.public_rate_limit_per_minute,
    )


def _bad_code_judge(codec: LabelCodec) -> Callable[[str], str | None]:
    """Malformed or not minted by our keys, decided without the database: the canonical code."""

    def bad_code(text: str) -> str | None:
        check = codec.classify(text)
        return None if check.status is CodeStatus.AUTHENTIC else check.code or "-"

    return bad_code


def _rate_limits(app: FastAPI, settings: Settings, codec: LabelCodec) -> RateLimitMiddleware:
    """Adds the rate-limit middleware; returns a twin of it (same rules, same backend, so the
    same budgets) for the hot paths, which serve their requests ahead of the middleware."""
    backend = RedisBackend(settings.redis_url) if settings.redis_url else MemoryBackend()
    limits = _public_limits(settings)
    rules = default_rules(limits, _bad_code_judge(codec))
    proxies = parse_networks(settings.trusted_proxies)
    # The report router limits reports per code with the same store.
    app.state.rate_limiter, app.state.public_limits = backend, limits
    options = {
        "rules": rules,
        "backend": backend,
        "trusted_proxies": proxies,
        "refusal": too_many_requests,
    }
    app.add_middleware(RateLimitMiddleware, **options)  # type: ignore[arg-type]
    install_problem_responses(app, lambda method, path: any(r.matches(method, path) for r in rules))
    return RateLimitMiddleware(_never_called, **options)  # type: ignore[arg-type]


async def _never_called(_scope: Scope, _receive: Receive, _send: Send) -> None:
    raise RuntimeError("the hot paths' rate limiter is asked for refusals only")


def _hot_paths(app: FastAPI, edge: Edge) -> None:
    """The public check and the liveness probe ahead of the route table and of every other
    middleware (see app.core.hotpath): added last, so outermost; ``edge`` does for them what
    the middlewares they skip do for every other request."""
    verify = SegmentRoute("/api/v1/verify/", "code", MAX_CODE_INPUT, LeanVerifyJson())
    app.add_middleware(
        HotPaths,
        handlers=app.exception_handlers,
        exact={"/healthz": healthz},
        segments=(verify,),
        edge=edge,
    )


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    assert_routes_guarded(ROUTERS)
    settings = settings or get_settings()
    set_public_time_zone(settings.time_zone)
    set_appeal_periods(
        AppealPeriods(settings.appeal_review_days, settings.appeal_litigation_months)
    )
    wire()
    database = database or Database(engine_from_settings(settings))
    verifier = _verifier(settings, database)
    jobs = in_app_worker(database, settings.mode)
    access_log = AccessLog(settings.log_format) if settings.log_requests else None
    telemetry = Sampler(sample_of(verifier, database), *([access_log.flush] if access_log else []))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if verifier.scans.batched and database.engine.dialect.name == "postgresql":
            verifier.pool = await create_pool(settings.resolved_database_url, settings.db_pool_size)
            verifier.replica = await _replica_reads(settings, verifier.pool)
        verifier.scans.start()
        telemetry.start()
        if jobs is not None:
            jobs.start()
        yield
        # uvicorn runs this on SIGTERM once the requests in flight are answered: the scans
        # they buffered are written here, so a graceful stop loses none.
        if jobs is not None:
            await jobs.stop()
        await verifier.scans.stop()
        await telemetry.stop()
        if verifier.replica is not None:
            await verifier.replica.replica.close()
        if verifier.pool is not None:
            await verifier.pool.close()
        await database.dispose()

    app = FastAPI(
        title="gimark",
        summary="Geographic-indication special-mark labels: licences, batches, QR verification",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(refuse_unstorable_input)],
        docs_url=None,  # FastAPI's docs load from a CDN: install_api_docs serves them offline
        redoc_url=None,
        # gimark exports no OpenTelemetry: FastAPI's native telemetry would otherwise look
        # for configured OTel providers on every request (measured: ~4 % of a verify request).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings, app.state.database, app.state.verifier = settings, database, verifier
    install_authenticator(app, authenticate)
    install_api_docs(app)
    for router in ROUTERS:
        app.include_router(router)
    # Guarded by its own token (app.core.metrics), not by a role: no principal scrapes it.
    app.add_route("/metrics", MetricsEndpoint(settings.metrics_token), include_in_schema=False)  # type: ignore[arg-type]
    install_error_handlers(app)
    install_html_errors(app)
    install_console(app)
    limiter = _rate_limits(app, settings, verifier.codec)
    app.add_middleware(NulInUrlMiddleware)
    app.add_middleware(BodyLimitMiddleware)  # inside the request id, so its 413 carries one
    app.state.access_log = access_log
    app.add_middleware(ObserveMiddleware, access_log=access_log)
    app.add_middleware(RequestIdMiddleware, on_error=server_error)
    _hot_paths(app, Edge(REQUEST_METRICS, access_log, limiter, server_error))
    configure_logging()
    install_log_format(settings.log_format)
    return app
