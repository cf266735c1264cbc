"""Large batches are issued by the job worker (issue 16): at ``issue_in_job_from`` labels or
more (12 here, 100,000 by default) ``POST /batches/{id}/issue`` answers 202 with the job, asking
again answers the same job, and the job issues the codes exactly once; approval's own issuing
step queues the same job. Smaller batches are issued in the request, as before. The worker runs
in-process here, on the test's own transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.jobs.models import JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker
from app.jobs import issue_jobs
from app.label import service
from app.label.models import Label
from app.main import create_app

THRESHOLD = 12


@pytest.fixture
def app(test_settings, database):  # type: ignore[no-untyped-def]
    return create_app(test_settings.model_copy(update={"issue_in_job_from": THRESHOLD}), database)


@pytest.fixture
def registry() -> Registry:
    """Only the issuing job: the worker must not run anything else lying in the queue."""
    only = Registry()
    only.register(service.ISSUE_JOB, issue_jobs.issue_batch_job)
    return only


async def requested(client, shop, quantity: int, lot: str) -> int:
    response = await client.post(
        "/api/v1/batches",
        json={
            "licence_id": shop["licence"].id,
            "lot_number": lot,
            "quantity": quantity,
            "unit": "袋",
            "production_date": "2026-09-01",
            "origin": "五原县",
        },
        headers=shop["licensee"] | {"Idempotency-Key": f"issue-{lot}"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def approve(client, shop, batch_id: int, issue: bool) -> dict:
    response = await client.post(
        f"/api/v1/batches/{batch_id}/approve", json={"issue": issue}, headers=shop["regulator"]
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def labels_of(session, batch_id: int) -> int:
    return int(await session.scalar(select(func.count()).where(Label.batch_id == batch_id)))


async def test_a_large_batch_is_issued_by_a_job_once_however_often_it_is_asked(
    session, client, shop, database, registry
) -> None:
    batch_id = await requested(client, shop, THRESHOLD, "WY-2026-101")
    await approve(client, shop, batch_id, issue=False)
    first = await client.post(f"/api/v1/batches/{batch_id}/issue", headers=shop["regulator"])
    assert first.status_code == 202, first.text
    queued = first.json()
    assert first.headers["location"] == queued["job_url"] == f"/api/v1/jobs/{queued['job_id']}"
    assert (queued["job_status"], queued["batch_url"]) == ("queued", f"/api/v1/batches/{batch_id}")
    again = await client.post(f"/api/v1/batches/{batch_id}/issue", headers=shop["regulator"])
    assert (again.status_code, again.json()["job_id"]) == (202, queued["job_id"])
    batch = await client.get(f"/api/v1/batches/{batch_id}", headers=shop["regulator"])
    assert batch.json()["status"] == "approved" and await labels_of(session, batch_id) == 0

    ran = await Worker(database, registry).run_once()
    assert ran == (queued["job_id"], JobStatus.SUCCEEDED)
    job = (await client.get(queued["job_url"], headers=shop["regulator"])).json()
    assert job["progress"] == {"done": THRESHOLD, "total": THRESHOLD, "message": "done"}
    assert job["result"]["href"] == f"/api/v1/batches/{batch_id}"
    batch = await client.get(f"/api/v1/batches/{batch_id}", headers=shop["regulator"])
    assert batch.json()["status"] == "issued" and await labels_of(session, batch_id) == THRESHOLD
    # Issued now: asking again is the synchronous path's 409, and no second job is queued.
    late = await client.post(f"/api/v1/batches/{batch_id}/issue", headers=shop["regulator"])
    assert late.status_code == 409
    assert await Worker(database, registry).run_once() is None

    events = (
        await session.execute(
            select(AuditEvent.action, AuditEvent.actor).where(
                # each object by its type too: a job's id may be another batch's
                (
                    (AuditEvent.object_type == "label_batch")
                    & (AuditEvent.object_id == str(batch_id))
                )
                | (
                    (AuditEvent.object_type == "job")
                    & (AuditEvent.object_id == str(queued["job_id"]))
                ),
                AuditEvent.action.in_(["job.enqueued", "batch.issue"]),
            )
        )
    ).all()
    actions = [action for action, _actor in events]
    assert sorted(actions) == ["batch.issue", "job.enqueued"]


async def test_a_job_run_again_after_its_issuance_committed_issues_nothing_more(
    session, client, shop, database, registry
) -> None:
    batch_id = await requested(client, shop, THRESHOLD + 3, "WY-2026-102")
    await approve(client, shop, batch_id, issue=False)
    queued = await client.post(f"/api/v1/batches/{batch_id}/issue", headers=shop["regulator"])
    await Worker(database, registry).run_once()
    # As after a crash between the commit and the job's success being recorded.
    result = await issue_jobs.issue_batch_job(_Context(database), {"batch_id": batch_id})
    assert result == {"batch_id": batch_id, "href": f"/api/v1/batches/{batch_id}", "labels": 15}
    assert queued.status_code == 202 and await labels_of(session, batch_id) == THRESHOLD + 3


async def test_approval_queues_the_issuing_of_a_large_batch_and_issues_a_small_one_at_once(
    session, client, shop, database, registry
) -> None:
    large = await requested(client, shop, THRESHOLD, "WY-2026-103")
    small = await requested(client, shop, THRESHOLD - 1, "WY-2026-104")
    assert (await approve(client, shop, large, issue=True))["status"] == "approved"
    assert (await approve(client, shop, small, issue=True))["status"] == "issued"
    assert await labels_of(session, small) == THRESHOLD - 1
    _job, status = await Worker(database, registry).run_once()
    assert status is JobStatus.SUCCEEDED and await labels_of(session, large) == THRESHOLD


async def test_a_batch_not_approved_is_refused_at_once_not_queued(
    client, shop, database, registry
) -> None:
    batch_id = await requested(client, shop, THRESHOLD, "WY-2026-105")
    refused = await client.post(f"/api/v1/batches/{batch_id}/issue", headers=shop["regulator"])
    assert refused.status_code == 409
    assert await Worker(database, registry).run_once() is None


class _Context:
    """Enough of a JobContext for calling the handler directly."""

    def __init__(self, database) -> None:  # type: ignore[no-untyped-def]
        self.database = database

    def session(self):  # type: ignore[no-untyped-def]
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def opened():  # type: ignore[no-untyped-def]
            async with self.database.sessionmaker() as session, session.begin():
                yield session

        return opened()

    async def progress(self, done, total=None, message=None) -> None:  # type: ignore[no-untyped-def]
        return None
