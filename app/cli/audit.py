from __future__ import annotations

import json
import sys

import click

from app.audit import service
from app.cli.common import run_in_session
from app.core.time import utcnow


@click.group()
def audit() -> None:
    """The hash-chained audit ledger."""


@audit.command()
def verify() -> None:
    """Recompute the chain; exit 1 and name the first broken event if it does not hold."""
    report = run_in_session(service.verify_chain)
    if report.ok:
        click.echo(f"ok: {report.events_checked} events, head {report.head_seq} {report.head_hash}")
        return
    click.echo(f"BROKEN at event {report.first_broken_seq}: {report.problem}", err=True)
    sys.exit(1)


@audit.command()
def checkpoint() -> None:
    """Print the head of the chain (sequence and hash) as JSON, to store outside gimark."""
    seq, head_hash = run_in_session(service.checkpoint)
    click.echo(json.dumps({"seq": seq, "hash": head_hash, "taken_at": utcnow().isoformat()}))


def register(group: click.Group) -> None:
    group.add_command(audit)
