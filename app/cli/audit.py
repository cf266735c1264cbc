from __future__ import annotations

import json
import sys

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import checkpoints
from app.audit.service import ChainReport
from app.cli.common import run_in_session
from app.core.time import utcnow
from app.notice import checkpoints as publication


@click.group()
def audit() -> None:
    """The hash-chained audit ledger."""


def _checkpoint(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> checkpoints.Checkpoint | None:
    try:
        return checkpoints.Checkpoint.parse(value) if value is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@audit.command()
@click.option(
    "--checkpoint",
    callback=_checkpoint,
    metavar="SEQ:HASH",
    help="A head published earlier (a daily notice, or `gimark audit checkpoint`): the chain "
    "must still reach SEQ, and event SEQ must still have HASH.",
)
def verify(checkpoint: checkpoints.Checkpoint | None) -> None:
    """Recompute the chain; exit 1 and name the first broken event if it does not hold."""

    async def work(session: AsyncSession) -> ChainReport:
        return await checkpoints.verify(session, checkpoint)

    report = run_in_session(work)
    if report.ok:
        held = f"; checkpoint {checkpoint.seq} holds" if checkpoint else ""
        head = f"head {report.head_seq} {report.head_hash}"
        click.echo(f"ok: {report.events_checked} events, {head}{held}")
        return
    click.echo(f"BROKEN at event {report.first_broken_seq}: {report.problem}", err=True)
    sys.exit(1)


@audit.command()
def checkpoint() -> None:
    """Print the head of the chain (sequence and hash) as JSON, to store outside gimark."""
    head = run_in_session(checkpoints.head)
    click.echo(json.dumps({"seq": head.seq, "hash": head.hash, "taken_at": utcnow().isoformat()}))


@audit.command("publish-checkpoint")
def publish_checkpoint() -> None:
    """Publish today's chain head as a public notice (for cron; a second run the same day,
    here or in any app worker, publishes nothing)."""
    notice = run_in_session(publication.publish_checkpoint)
    if notice is None:
        click.echo("nothing to publish: today's checkpoint is already out, or the ledger is empty")
        return
    click.echo(json.dumps(notice.detail, ensure_ascii=False))


def register(group: click.Group) -> None:
    group.add_command(audit)
