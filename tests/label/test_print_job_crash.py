"""A print job survives its worker: a worker process killed (SIGKILL) half-way through a file
leaves no file to download, only its part file; once its lease has passed, another worker
runs the job again from the start and publishes the whole file. A database of the test's
own: the worker in the other process needs committed rows."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
import textwrap
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import factories
import httpx
import pytest

import app
from app.core import migrate
from app.core.db import Database, create_engine
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker
from app.core.principal import Role
from app.jobs import print_jobs
from app.jobs.print_files import PRINT_FILE
from app.main import create_app

PROJECT_ROOT = Path(app.__file__).resolve().parents[1]
QUANTITY = 24

# Pages of 4 labels; after 8 labels are written the worker stops dead, as if the machine had
# lost power, until the test kills it.
DOOMED_WORKER = textwrap.dedent(
    """
    import asyncio, sys
    import app.jobs.periodic  # registers every job kind, as `gimark jobs worker` does
    from app.core.db import Database, create_engine
    from app.core.jobs.registry import REGISTRY
    from app.core.jobs.runner import JobContext
    from app.core.jobs.worker import Worker
    from app.label import printjobs

    printjobs.FETCH = 4
    real_progress = JobContext.progress

    async def progress(ctx, done, total=None, message=None):
        await real_progress(ctx, done, total, message)
        if done >= 8:
            await asyncio.Event().wait()

    JobContext.progress = progress
    database = Database(create_engine(sys.argv[1]))
    asyncio.run(Worker(database, REGISTRY, name="doomed").run_once())
    """
)


@pytest.fixture
async def world(fresh_database_url, test_settings, tmp_path) -> AsyncIterator[dict]:
    engine = create_engine(fresh_database_url)
    await migrate.upgrade(engine)
    database = Database(engine)
    settings = test_settings.model_copy(
        update={
            "database_url": fresh_database_url,
            "print_files_dir": tmp_path / "print",
            "print_background_threshold": 5,
        }
    )
    transport = httpx.ASGITransport(app=create_app(settings, database))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield {"database": database, "settings": settings, "client": client}
    finally:
        await engine.dispose()


async def issued_batch(world: dict) -> tuple[int, dict[str, str]]:
    client = world["client"]
    async with world["database"].sessionmaker() as session, session.begin():
        product = await factories.product(session)
        company = await factories.enterprise(session)
        licence = await factories.licence(session, company.id, product.id)
        licensee = await factories.user(session, Role.LICENSEE, company.id)
        regulator = await factories.user(session, Role.REGULATOR)
    headers = await factories.login(client, licensee.username)
    request = {
        "licence_id": licence.id,
        "lot_number": "WY-2026-031",
        "quantity": QUANTITY,
        "unit": "袋",
        "production_date": "2026-09-01",
        "origin": "五原县",
    }
    batch = await client.post(
        "/api/v1/batches", json=request, headers=headers | {"Idempotency-Key": "crash"}
    )
    approved = await client.post(
        f"/api/v1/batches/{batch.json()['id']}/approve",
        json={},
        headers=await factories.login(client, regulator.username),
    )
    assert approved.json()["status"] == "issued"
    return batch.json()["id"], headers


def worker_environment(world: dict) -> dict[str, str]:
    settings = world["settings"]
    return os.environ | {
        "GIMARK_MODE": "test",
        "GIMARK_DATABASE_URL": settings.database_url,
        "GIMARK_JWT_SECRET": settings.jwt_secret,
        "GIMARK_LABEL_KEYS": json.dumps(settings.label_keys),
        "GIMARK_LABEL_CURRENT_KEY_ID": settings.label_current_key_id,
        "GIMARK_PRINT_FILES_DIR": str(settings.resolved_print_files_dir),
    }


async def job_row(database: Database, job_id: int) -> Job:
    async with database.sessionmaker() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def wait_until_half_written(database: Database, job_id: int, process) -> Job:
    for _ in range(600):  # a bound, not a timing: fail rather than hang
        job = await job_row(database, job_id)
        if job.status is JobStatus.RUNNING and job.progress_done >= 8:
            return job
        assert process.returncode is None, "the worker process exited on its own"
        await asyncio.sleep(0.1)
    pytest.fail("the worker process never got half-way")


async def test_a_killed_print_job_is_run_again_after_its_lease_and_its_file_is_whole(
    world, monkeypatch
) -> None:
    database, settings, client = world["database"], world["settings"], world["client"]
    batch_id, headers = await issued_batch(world)
    queued = await client.post(
        f"/api/v1/batches/{batch_id}/print-files", json={"format": "csv"}, headers=headers
    )
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["id"]

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        DOOMED_WORKER,
        settings.database_url,
        cwd=PROJECT_ROOT,  # so the child imports this checkout's app
        env=worker_environment(world),
    )
    try:
        running = await wait_until_half_written(database, job_id, process)
    finally:
        process.kill()  # SIGKILL: no cleanup, no release, the lease just stays
        await process.wait()
    directory = settings.resolved_print_files_dir
    assert [p.name for p in directory.iterdir()] == [f".job-{job_id}.attempt-1.part"]
    half = await client.get(f"/api/v1/print-files/{job_id}", headers=headers)
    assert (half.status_code, half.json()["code"]) == (409, "invalid_state")

    monkeypatch.setattr(print_jobs, "worker_settings", lambda: settings)
    registry = Registry()
    registry.register(PRINT_FILE, print_jobs.build_print_file)
    assert running.locked_until is not None
    after_lease = running.locked_until + timedelta(seconds=1)
    worker = Worker(database, registry, clock=lambda: after_lease)
    assert await worker.run_once() == (job_id, JobStatus.SUCCEEDED)

    job = await job_row(database, job_id)
    assert (job.attempts, job.progress_done, job.progress_total) == (2, QUANTITY, QUANTITY)
    assert [p.name for p in directory.iterdir()] == [f"job-{job_id}.csv"]
    response = await client.get(f"/api/v1/print-files/{job_id}", headers=headers)
    assert response.status_code == 200
    comment, rest = response.text.split("\n", 1)
    assert f"{QUANTITY} labels printed, 0 left out" in comment
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert [int(row["serial"]) for row in rows] == list(range(1, QUANTITY + 1))
