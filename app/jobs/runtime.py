"""The worker inside the app process: on for ``gimark serve`` unless ``GIMARK_JOBS_IN_APP=false``
(for a deployment that runs ``gimark jobs worker`` separately), off in test mode."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.db import Database
from app.core.jobs.registry import REGISTRY
from app.core.jobs.schedule import Periodic, deployment_zone
from app.core.jobs.worker import BackgroundWorker, Worker
from app.jobs import periodic

# Periodic jobs of domains above this one (the statistics refresh), added by the composition
# root (``app.wiring``): this domain may not import them.
_added: list[Periodic] = []


def add_periodic(periodic_job: Periodic) -> None:
    if periodic_job not in _added:
        _added.append(periodic_job)


def periodics() -> tuple[Periodic, ...]:
    return (*periodic.PERIODIC, *_added)


class JobSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GIMARK_JOBS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    in_app: bool | None = None  # None: on, except in test mode
    lease_seconds: int = Field(default=120, ge=10)
    idle_seconds: float = Field(default=2.0, gt=0)
    scheduler: bool = True

    def runs_in_app(self, mode: str) -> bool:
        return self.in_app if self.in_app is not None else mode != "test"


def make_worker(database: Database, settings: JobSettings | None = None) -> Worker:
    settings = settings or JobSettings()
    return Worker(
        database,
        REGISTRY,
        periodics=periodics() if settings.scheduler else (),
        zone=deployment_zone(),
        lease=timedelta(seconds=settings.lease_seconds),
        idle_seconds=settings.idle_seconds,
    )


def in_app_worker(database: Database, mode: str) -> BackgroundWorker | None:
    settings = JobSettings()
    if not settings.runs_in_app(mode):
        return None
    return BackgroundWorker(make_worker(database, settings))
