"""Print files from the console: the batch page's form starts a job through the jobs
service; the job's page has a <progress> bar, the vendored poll script and a no-script
refresh; its status endpoint moves as the worker writes; the download holds only live
labels. Another enterprise's licensee gets 404 on the job's pages; a forged CSRF token starts
no job. The worker runs in-process on the test's transaction, as in tests/label."""

from __future__ import annotations

import csv
import io

import pytest
from console_helpers import client_for, log_in
from factories import batch as make_batch
from licensee_helpers import issued_batch, other_licensee, token_of
from sqlalchemy import func, select

from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker
from app.jobs import print_jobs
from app.jobs.print_files import PRINT_FILE
from app.label import printjobs
from app.label.models import BatchStatus
from app.main import create_app


@pytest.fixture
def print_settings(test_settings, tmp_path, monkeypatch):
    settings = test_settings.model_copy(update={"print_files_dir": tmp_path / "print"})
    monkeypatch.setattr(print_jobs, "worker_settings", lambda: settings)
    monkeypatch.setattr(printjobs, "FETCH", 2)  # progress moves a page at a time
    return settings


@pytest.fixture
def app(print_settings, database):  # type: ignore[no-untyped-def]
    return create_app(print_settings, database)


@pytest.fixture
def worker(database) -> Worker:
    only = Registry()  # only print jobs: nothing else lying in the queue runs
    only.register(PRINT_FILE, print_jobs.build_print_file)
    return Worker(database, only)


async def _jobs(session) -> int:
    return int(await session.scalar(select(func.count()).select_from(Job)) or 0)


async def _start(browser, batch_id: int, print_format: str) -> str:
    token = await token_of(browser, f"/console/batches/{batch_id}")
    data = {"csrf_token": token, "format": print_format}
    started = await browser.post(f"/console/batches/{batch_id}/print-files", data=data)
    assert started.status_code == 303, started.text
    return started.headers["location"]


async def test_a_print_file_is_built_in_the_background_and_downloaded(
    licensee_browser, client, world, session, worker
) -> None:
    batch_id, codes = await issued_batch(session, client, world, quantity=6)
    void = {"csrf_token": await token_of(licensee_browser, f"/console/batches/{batch_id}/void")}
    void |= {"act": "void", "codes": codes[1], "reason": "破损"}
    voided = await licensee_browser.post(f"/console/batches/{batch_id}/void/confirm", data=void)
    assert voided.status_code == 303

    job_page = await _start(licensee_browser, batch_id, "csv")
    job_id = int(job_page.rsplit("/", 1)[1])
    waiting = await licensee_browser.get(job_page)
    assert waiting.status_code == 200 and "<progress" in waiting.text
    assert '<script src="/console/static/print-progress.js" defer></script>' in waiting.text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting.text
    assert '<label for="job-progress">' in waiting.text and "/download" not in waiting.text
    status = (await licensee_browser.get(f"{job_page}/status")).json()
    assert (status["state"], status["ready"], status["download"]) == ("queued", False, None)

    assert await worker.run_once() == (job_id, JobStatus.SUCCEEDED)
    status = (await licensee_browser.get(f"{job_page}/status")).json()
    assert (status["ready"], status["done"], status["total"]) == (True, 5, 5)
    assert status["download"] == f"/console/print-files/{job_id}/download"
    done = await licensee_browser.get(job_page)
    assert f'href="/console/print-files/{job_id}/download"' in done.text
    assert "print-progress.js" not in done.text and 'http-equiv="refresh"' not in done.text

    batch_page = await licensee_browser.get(f"/console/batches/{batch_id}")
    assert f'<a href="/console/print-files/{job_id}">{status["filename"]}</a>' in batch_page.text

    file = await licensee_browser.get(status["download"])
    assert file.status_code == 200 and file.headers["content-type"].startswith("text/csv")
    comment, rest = file.text.split("\n", 1)
    assert "5 labels printed, 1 left out (void 1" in comment
    printed = [row["code"] for row in csv.DictReader(io.StringIO(rest))]
    assert printed == [c for c in codes if c != codes[1]]  # only live labels


@pytest.mark.parametrize("print_format", ["pdf", "png", "svg"])
async def test_every_format_can_be_asked_for(
    licensee_browser, client, world, session, print_format
) -> None:
    batch_id, _codes = await issued_batch(session, client, world, quantity=2)
    job_page = await _start(licensee_browser, batch_id, print_format)
    page = await licensee_browser.get(job_page)
    assert page.status_code == 200 and print_format.upper() in page.text
    job = await session.scalar(select(Job).order_by(Job.id.desc()).limit(1))
    assert job is not None and job.args["format"] == print_format


async def test_another_enterprises_licensee_gets_404_for_the_job(
    licensee_browser, client, world, session, app
) -> None:
    batch_id, _codes = await issued_batch(session, client, world, quantity=2)
    job_page = await _start(licensee_browser, batch_id, "csv")
    async with client_for(app) as stranger_browser:
        stranger = await other_licensee(session, world)
        await log_in(stranger_browser, stranger.username)
        for path in (job_page, f"{job_page}/status", f"{job_page}/download"):
            assert (await stranger_browser.get(path)).status_code == 404, path
        token = await token_of(stranger_browser, "/console")
        theirs = await stranger_browser.post(
            f"/console/batches/{batch_id}/print-files", data={"csrf_token": token, "format": "csv"}
        )
        assert theirs.status_code == 404


async def test_refusals_show_by_the_format(licensee_browser, client, world, session) -> None:
    batch_id, _codes = await issued_batch(session, client, world, quantity=2)
    token = await token_of(licensee_browser, f"/console/batches/{batch_id}")
    bad = await licensee_browser.post(
        f"/console/batches/{batch_id}/print-files", data={"csrf_token": token, "format": "gif"}
    )
    assert bad.status_code == 422 and 'id="format-error"' in bad.text
    suspended = await make_batch(session, world.licence, status=BatchStatus.SUSPENDED)
    refused = await licensee_browser.post(
        f"/console/batches/{suspended.id}/print-files", data={"csrf_token": token, "format": "pdf"}
    )
    assert refused.status_code == 409 and "只有已发码且未被暂停" in refused.text


async def test_a_forged_csrf_token_starts_no_job(licensee_browser, client, world, session) -> None:
    batch_id, _codes = await issued_batch(session, client, world, quantity=2)
    before = await _jobs(session)
    path = f"/console/batches/{batch_id}/print-files"
    forged = await licensee_browser.post(path, data={"csrf_token": "forged", "format": "csv"})
    assert forged.status_code == 403
    assert (await licensee_browser.post(path, data={"format": "csv"})).status_code == 403
    assert await _jobs(session) == before


async def test_the_poll_script_is_served_by_the_app(browser) -> None:
    script = await browser.get("/console/static/print-progress.js")
    assert script.status_code == 200 and "XMLHttpRequest" in script.text
