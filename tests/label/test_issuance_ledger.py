"""An issuance of 10⁶ labels does not hold the audit ledger while it writes (PostgreSQL).

The ledger lock is held from the append to the commit; the append now comes just before the
commit, so an unrelated audited change commits while a large issuance is still writing."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import factories
import pytest
from committed import committed_app, login_as, own_database
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.audit.service import AUDIT_LOCK_KEY
from app.core.jobs.models import JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker
from app.core.principal import Role
from app.jobs import issue_jobs
from app.label import issuance
from app.label import service as label_service
from app.label.models import BatchStatus, Label

MILLION = 1_000_000
# pg_locks is server-wide (other runs use the same key in their databases) and shows a bigint
# advisory key as two 32-bit halves.
LEDGER_LOCK_HOLDERS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND classid = :high AND objid = :low"
).bindparams(high=AUDIT_LOCK_KEY >> 32, low=AUDIT_LOCK_KEY & 0xFFFFFFFF)


@pytest.fixture
async def own_settings(test_settings, tmp_path, on_sqlite):
    if on_sqlite:
        pytest.skip("SQLite has one writer: every transaction waits for the one before")
    async with own_database(test_settings, tmp_path) as settings:
        yield settings


class PausedAfterFirstChunk:
    """Lets the test act while the issuance is mid-write: after its first chunk is written the
    issuance waits until the test says go on (real chunks, only the interleaving is fixed)."""

    def __init__(self, write_chunk):
        self.write_chunk, self.writing, self.go_on = write_chunk, asyncio.Event(), asyncio.Event()

    async def __call__(self, *args, **kwargs) -> None:
        await self.write_chunk(*args, **kwargs)
        if not self.writing.is_set():
            self.writing.set()
            await self.go_on.wait()


async def test_a_report_commits_while_a_million_labels_are_written(own_settings, monkeypatch):
    pause = PausedAfterFirstChunk(issuance._write_chunk)
    monkeypatch.setattr(issuance, "_write_chunk", pause)
    async with committed_app(own_settings) as (database, client):
        async with database.sessionmaker() as session, session.begin():
            product = await factories.product(session)
            company = await factories.enterprise(session)
            licence = await factories.licence(
                session, company.id, product.id, production_area_mu=Decimal("2000")
            )
            batch = await factories.batch(
                session, licence, quantity=MILLION, status=BatchStatus.REQUESTED, issued_at=None
            )
        regulator = await login_as(database, client, Role.REGULATOR)

        # A million labels are issued by the job worker (issue 16): the approval queues it.
        approved = await client.post(
            f"/api/v1/batches/{batch.id}/approve", json={}, headers=regulator
        )
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        only_issuing = Registry()
        only_issuing.register(label_service.ISSUE_JOB, issue_jobs.issue_batch_job)
        issue = asyncio.create_task(Worker(database, only_issuing).run_once())
        writing = asyncio.create_task(pause.writing.wait())
        await asyncio.wait({issue, writing}, return_when=asyncio.FIRST_COMPLETED)
        assert pause.writing.is_set(), issue.result()

        async with database.sessionmaker() as session:
            assert await session.scalar(LEDGER_LOCK_HOLDERS) == 0  # nobody holds the ledger
        form = {"what_was_seen": "包装印刷模糊，疑似假冒", "where_bought": "临河区某超市"}
        # the timeout only turns a regression (report blocked behind the issuance) into a
        # failure instead of a hung test
        report = await asyncio.wait_for(client.post("/api/v1/reports", data=form), timeout=300)
        assert report.status_code == 201, report.text
        assert not issue.done()  # the issuance is still writing
        async with database.sessionmaker() as session:
            filed = await session.scalar(
                select(AuditEvent).where(
                    AuditEvent.action == "report.file",
                    AuditEvent.object_id == str(report.json()["id"]),
                )
            )
        assert filed is not None  # committed, with its place in the chain

        pause.go_on.set()
        ran = await issue
        assert ran is not None and ran[1] is JobStatus.SUCCEEDED
        issued = await client.get(f"/api/v1/batches/{batch.id}", headers=regulator)
        assert issued.json()["status"] == "issued"
        verified = (await client.get("/api/v1/audit/verify", headers=regulator)).json()
        assert verified["ok"], verified
        async with database.sessionmaker() as session:
            labels = await session.scalar(
                select(func.count()).select_from(Label).where(Label.batch_id == batch.id)
            )
            chained = dict(
                (
                    await session.execute(
                        select(AuditEvent.action, AuditEvent.seq).where(
                            AuditEvent.object_type == "label_batch",
                            AuditEvent.object_id == str(batch.id),
                        )
                    )
                ).all()
            )
        assert labels == MILLION
        assert chained["batch.approve"] < filed.seq < chained["batch.issue"]
