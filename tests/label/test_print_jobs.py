"""Print files as background jobs (``POST /batches/{id}/print-files``): above the threshold
(10 here, 10,000 by default) a job writes the file, its progress shows on ``GET /jobs/{id}``,
and ``GET /print-files/{id}`` serves it to its creator and staff only; small ranges come at
once. The worker runs in-process here, on the test's own transaction."""

from __future__ import annotations

import csv
import io
import math
import os
import time
import zipfile

import factories
import pypdfium2
import pytest
from PIL import Image
from qr_images import decoded_texts, pdf_pages, svg_image
from test_files import csv_rows, expected_url, issued, void_and_revoke

from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker
from app.core.principal import Role
from app.core.time import utcnow
from app.jobs import print_jobs
from app.jobs.print_files import PRINT_FILE
from app.label import printjobs
from app.label.printing.sheet import SheetLayout
from app.main import create_app

THRESHOLD = 10
PAGE = 4  # labels fetched (and progress reported) at a time


@pytest.fixture
def print_settings(test_settings, tmp_path, monkeypatch):
    settings = test_settings.model_copy(
        update={"print_files_dir": tmp_path / "print", "print_background_threshold": THRESHOLD}
    )
    monkeypatch.setattr(print_jobs, "worker_settings", lambda: settings)
    monkeypatch.setattr(printjobs, "FETCH", PAGE)
    return settings


@pytest.fixture
def app(print_settings, database):  # type: ignore[no-untyped-def]
    return create_app(print_settings, database)


@pytest.fixture
def registry() -> Registry:
    """Only the print jobs: the worker must not run anything else lying in the queue."""
    only = Registry()
    only.register(PRINT_FILE, print_jobs.build_print_file)
    only.register(print_jobs.PURGE_PRINT_FILES, print_jobs.purge_print_files)
    return only


async def live_batch(session, client, shop, quantity: int = 30) -> tuple[int, list[str]]:
    """An issued batch with 3 void and 2 revoked labels; (its id, the live codes)."""
    batch_id = await issued(session, client, shop, quantity=quantity)
    codes = [r["code"] for r in await csv_rows(client, shop, batch_id)]
    voided, revoked = codes[2:5], [codes[9], codes[29]]
    await void_and_revoke(client, shop, codes, voided, revoked)
    return batch_id, [c for c in codes if c not in voided + revoked]


async def ask(client, shop, batch_id: int, body: dict, headers=None):
    return await client.post(
        f"/api/v1/batches/{batch_id}/print-files", json=body, headers=headers or shop["licensee"]
    )


async def queued_job(client, shop, batch_id: int, print_format: str) -> dict:
    response = await ask(client, shop, batch_id, {"format": print_format})
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert (job["kind"], job["status"], job["links"]["result"]) == (PRINT_FILE, "queued", None)
    return job


async def run_job(database, registry, job_id: int) -> None:
    assert await Worker(database, registry).run_once() == (job_id, JobStatus.SUCCEEDED)


async def download(client, shop, job_id: int, headers=None):
    return await client.get(f"/api/v1/print-files/{job_id}", headers=headers or shop["licensee"])


async def test_a_large_csv_is_built_by_a_job_whose_progress_shows_and_downloads(
    session, client, shop, database, registry, monkeypatch
) -> None:
    batch_id, live = await live_batch(session, client, shop)
    job = await queued_job(client, shop, batch_id, "csv")

    seen = []  # what anyone polling the job saw, page after page
    real_progress = print_jobs.JobContext.progress

    async def progress_and_poll(ctx, done, total=None, message=None):
        await real_progress(ctx, done, total, message)
        polled = await client.get(f"/api/v1/jobs/{job['id']}", headers=shop["licensee"])
        seen.append((polled.json()["status"], polled.json()["progress"]["done"]))

    monkeypatch.setattr(print_jobs.JobContext, "progress", progress_and_poll)
    await run_job(database, registry, job["id"])
    assert seen == [("running", n) for n in (0, 4, 8, 12, 16, 20, 24, 25, 25)]

    done = (await client.get(f"/api/v1/jobs/{job['id']}", headers=shop["licensee"])).json()
    href = f"/api/v1/print-files/{job['id']}"
    assert (done["status"], done["links"]["result"], done["result"]["labels"]) == (
        "succeeded",
        href,
        25,
    )
    assert done["progress"] == {"done": 25, "total": 25, "message": "done"}
    response = await download(client, shop, job["id"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="labels-WY-2026-009-1-30.csv"' in response.headers["content-disposition"]
    comment, rest = response.text.split("\n", 1)
    assert "25 labels printed, 5 left out (void 3, revoked 2)" in comment
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert [r["code"] for r in rows] == live
    assert all(r["url"] == expected_url(r["code"]) for r in rows)


async def test_a_large_pdf_job_holds_every_live_label_on_its_pages(
    session, client, shop, database, registry
) -> None:
    batch_id, live = await live_batch(session, client, shop)
    job = await queued_job(client, shop, batch_id, "pdf")
    await run_job(database, registry, job["id"])
    response = await download(client, shop, job["id"])
    assert response.headers["content-type"] == "application/pdf"
    per_page = len(SheetLayout().origins())
    assert len(pypdfium2.PdfDocument(response.content)) == math.ceil(len(live) / per_page)
    urls = [text for page in pdf_pages(response.content) for text in decoded_texts(page)]
    assert sorted(urls) == sorted(expected_url(code) for code in live)


@pytest.mark.parametrize("kind", ["png", "svg"])
async def test_png_and_svg_jobs_are_one_zip_of_an_image_a_live_label(
    session, client, shop, database, registry, kind
) -> None:
    batch_id, live = await live_batch(session, client, shop)
    job = await queued_job(client, shop, batch_id, kind)
    await run_job(database, registry, job["id"])
    response = await download(client, shop, job["id"])
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    images = sorted(name for name in archive.namelist() if name.endswith(f".{kind}"))
    assert len(images) == len(live) == 25
    assert "5 left out" in archive.read("summary.txt").decode()
    for name in images:
        data = archive.read(name)
        image = svg_image(data) if kind == "svg" else Image.open(io.BytesIO(data))
        code = name.split("-", 1)[1].removesuffix(f".{kind}")
        assert decoded_texts(image) == [expected_url(code)]
    assert [name.split("-", 1)[1][:-4] for name in images] == live


async def test_a_small_range_comes_at_once_and_a_range_is_honoured(
    session, client, shop, database, registry
) -> None:
    batch_id, live = await live_batch(session, client, shop)
    response = await ask(client, shop, batch_id, {"format": "csv", "from_serial": 11})
    assert response.status_code == 202  # serials 11-30 hold 19 live labels: a job
    small = await ask(client, shop, batch_id, {"format": "csv", "to_serial": 10})
    assert small.status_code == 200 and small.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(small.text.split("\n", 1)[1])))
    assert [r["code"] for r in rows] == live[:6]  # serials 1-10, less 3 void and 1 revoked
    zipped = await ask(client, shop, batch_id, {"format": "svg", "from_serial": 1, "to_serial": 2})
    assert zipped.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()) == 3  # 2 + summary
    past = await ask(client, shop, batch_id, {"format": "csv", "from_serial": 31})
    assert past.status_code == 422
    assert not any((print_jobs.worker_settings().resolved_print_files_dir).glob(".now-*"))


async def test_only_the_creator_and_staff_fetch_a_file_and_never_before_it_is_done(
    session, client, shop, database, registry
) -> None:
    batch_id, _ = await live_batch(session, client, shop)
    job = await queued_job(client, shop, batch_id, "csv")
    early = await download(client, shop, job["id"])
    assert (early.status_code, early.json()["code"]) == (409, "invalid_state")
    await run_job(database, registry, job["id"])

    stranger = await factories.auth_headers(session, client, Role.LICENSEE)
    for path in (f"/api/v1/jobs/{job['id']}", f"/api/v1/print-files/{job['id']}"):
        refused = await client.get(path, headers=stranger)
        assert refused.status_code == 404
        assert refused.headers["content-type"] == "application/problem+json"
    own = await client.post(
        f"/api/v1/batches/{batch_id}/print-files", json={"format": "csv"}, headers=stranger
    )
    assert own.status_code == 404
    assert (await download(client, shop, job["id"], shop["regulator"])).status_code == 200
    assert (await client.get(f"/api/v1/print-files/{job['id']}")).status_code == 401


async def test_the_purge_deletes_old_files_and_a_late_download_is_gone(
    session, client, shop, database, registry, print_settings
) -> None:
    batch_id, _ = await live_batch(session, client, shop)
    old, recent = [await queued_job(client, shop, batch_id, "csv") for _ in range(2)]
    for job in (old, recent):
        await run_job(database, registry, job["id"])
    directory = print_settings.resolved_print_files_dir
    eight_days_ago = time.time() - 8 * 86400
    os.utime(directory / f"job-{old['id']}.csv", (eight_days_ago, eight_days_ago))
    (directory / ".job-999999.attempt-1.part").write_bytes(b"half")  # a dead attempt's
    os.utime(directory / ".job-999999.attempt-1.part", (eight_days_ago, eight_days_ago))

    purge = await queue.enqueue(session, print_jobs.PURGE_PRINT_FILES, {}, utcnow())
    assert await Worker(database, registry).run_once() == (purge.id, JobStatus.SUCCEEDED)

    assert sorted(p.name for p in directory.iterdir()) == [f"job-{recent['id']}.csv"]
    gone = await download(client, shop, old["id"])
    assert (gone.status_code, gone.json()["code"]) == (410, "print_file_expired")
    polled = (await client.get(f"/api/v1/jobs/{old['id']}", headers=shop["licensee"])).json()
    assert polled["links"]["result"] is None and polled["result"]["expired_at"]
    assert (await download(client, shop, recent["id"])).status_code == 200


async def test_a_worker_that_loses_its_job_mid_file_publishes_nothing(
    session, client, shop, database, registry, monkeypatch, print_settings
) -> None:
    batch_id, _ = await live_batch(session, client, shop)
    job = await queued_job(client, shop, batch_id, "pdf")
    real_progress = print_jobs.JobContext.progress

    async def taken_over_half_way(ctx, done, total=None, message=None):
        if done >= 8:  # another worker claims the job (this one's lease ran out meanwhile)
            async with database.sessionmaker() as other, other.begin():
                (await other.get(Job, ctx.job_id)).locked_by = "the other worker"
        await real_progress(ctx, done, total, message)

    monkeypatch.setattr(print_jobs.JobContext, "progress", taken_over_half_way)
    assert await Worker(database, registry).run_once() == (job["id"], None)
    assert list(print_settings.resolved_print_files_dir.iterdir()) == []
