"""``gimark batch``: the label-batch flow for operators, with progress on long work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.acting import acting_person, as_option
from app.cli.common import run_in_session, run_with_database
from app.core.config import get_settings
from app.core.db import Database
from app.core.principal import SYSTEM
from app.label import printjobs, service
from app.label.printing.csv_export import csv_lines
from app.label.printing.sheet import SheetLayout
from app.label.schemas import BatchApprove, BatchDecision, BatchRequest

PDF_CHUNK = 10_000
API = "/api/v1"


@click.group()
def batch() -> None:
    """Label batches: request, approve, issue, export print files."""


@batch.command("request")
@click.option("--licence-id", type=int, required=True)
@click.option("--lot", "lot_number", required=True, help="production lot number")
@click.option("--quantity", type=int, required=True, help="number of labels")
@click.option("--unit", default="袋", show_default=True, help="what one label goes on")
@click.option("--production-date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--origin", required=True, help="where in the protected area")
@as_option
def request_batch(acting_as: str, **options: object) -> None:
    """Request labels for a lot (checked against the licence's quota), as a licensee user."""
    options["production_date"] = options["production_date"].date()  # type: ignore[attr-defined]
    data = BatchRequest.model_validate(options)

    async def _request(session: AsyncSession) -> int:
        actor = await acting_person(session, acting_as, "POST", f"{API}/batches")
        created = await service.request_batch(session, actor, data, get_settings())
        return created.id

    click.echo(f"batch {run_in_session(_request)} requested")


REASON_HELP = "why (recorded with the decision in the audit ledger)"


@batch.command()
@click.argument("batch_id", type=int)
@as_option
@click.option("--reason", required=True, help=REASON_HELP)
@click.option("--no-issue", is_flag=True, help="approve only; issue later with `batch issue`")
def approve(batch_id: int, acting_as: str, reason: str, no_issue: bool) -> None:
    """Approve a requested batch (and issue its codes unless --no-issue)."""
    data = BatchApprove(reason=reason, issue=not no_issue)

    async def _approve(session: AsyncSession) -> str:
        actor = await acting_person(
            session, acting_as, "POST", f"{API}/batches/{{batch_id}}/approve"
        )
        approved = await service.approve(session, actor, batch_id, data, get_settings())
        return approved.status.value

    click.echo(f"batch {batch_id} is {run_in_session(_approve)}")


@batch.command()
@click.argument("batch_id", type=int)
@as_option
@click.option("--reason", required=True, help=REASON_HELP)
def reject(batch_id: int, acting_as: str, reason: str) -> None:
    """Reject a requested batch."""
    data = BatchDecision(reason=reason)

    async def _reject(session: AsyncSession) -> str:
        actor = await acting_person(
            session, acting_as, "POST", f"{API}/batches/{{batch_id}}/reject"
        )
        return (await service.reject(session, actor, batch_id, data)).status.value

    click.echo(f"batch {batch_id} is {run_in_session(_reject)}")


@batch.command()
@click.argument("batch_id", type=int)
@as_option
def issue(batch_id: int, acting_as: str) -> None:
    """Issue an approved batch's codes in one transaction, with a progress bar."""

    async def _issue(session: AsyncSession) -> int:
        actor = await acting_person(session, acting_as, "POST", f"{API}/batches/{{batch_id}}/issue")
        found = await service.get_readable(session, actor, batch_id)
        with click.progressbar(length=found.quantity, label="minting and writing codes") as bar:
            await service.issue_batch(session, actor, batch_id, get_settings(), bar.update)
        return found.quantity

    click.echo(f"issued {run_in_session(_issue)} labels for batch {batch_id}")


@batch.command()
@click.argument("batch_id", type=int)
@click.option(
    "--format", "kind", type=click.Choice(["csv", "pdf"]), default="csv", show_default=True
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def export(batch_id: int, kind: str, out: Path) -> None:
    """Write print files: one CSV, or PDF sheets in files of 10,000 labels."""
    out.mkdir(parents=True, exist_ok=True)

    async def _export(database: Database) -> list[Path]:
        async with database.sessionmaker() as session:
            job = await printjobs.prepare(session, SYSTEM, batch_id, get_settings().public_base_url)
            with click.progressbar(length=job.quantity, label=f"writing {kind}") as bar:
                write = _write_csv if kind == "csv" else _write_pdfs
                return await write(session, job, out, bar.update)

    for path in run_with_database(_export):
        click.echo(path)


async def _write_csv(
    session: AsyncSession, job: printjobs.PrintJob, out: Path, progress: Callable[[int], None]
) -> list[Path]:
    path = out / f"batch-{job.batch_id}.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write((await printjobs.summary(session, job, 1, job.quantity)).csv_comment())
        first, done = True, 0
        async for chunk in printjobs.codes(session, job.batch_id, 1, job.quantity):
            lines = csv_lines([(serial, code, job.url(code)) for serial, code in chunk])
            handle.writelines(lines if first else list(lines)[1:])
            first = False
            progress(chunk[-1][0] - done)  # by serial: void and revoked labels are skipped
            done = chunk[-1][0]
    return [path]


async def _write_pdfs(
    session: AsyncSession, job: printjobs.PrintJob, out: Path, progress: Callable[[int], None]
) -> list[Path]:
    paths = []
    for first in range(1, job.quantity + 1, PDF_CHUNK):
        last = min(first + PDF_CHUNK - 1, job.quantity)
        labels = [
            (code, job.url(code))
            async for chunk in printjobs.codes(session, job.batch_id, first, last)
            for _, code in chunk
        ]
        notice = (await printjobs.summary(session, job, first, last)).pdf_line()
        path = out / f"batch-{job.batch_id}-{first}-{last}.pdf"
        with path.open("wb") as handle:
            await asyncio.to_thread(
                printjobs.render_pdf, handle, job, labels, SheetLayout(), notice
            )
        progress(last - first + 1)
        paths.append(path)
    return paths


def register(group: click.Group) -> None:
    group.add_command(batch)
