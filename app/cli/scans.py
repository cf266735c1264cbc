from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.common import run_in_session
from app.core.time import utcnow
from app.verification.rollup import roll_up
from app.verification.salts import destroy_old_salts


@click.group()
def scans() -> None:
    """Scan retention (run both daily, e.g. from cron)."""


@scans.command()
def rollup() -> None:
    """Fold scans older than 180 days into per-code daily counts and delete them."""

    async def _rollup(session: AsyncSession) -> int:
        return await roll_up(session, utcnow())

    click.echo(f"rolled up {run_in_session(_rollup)} scans")


@scans.command("purge-salts")
def purge_salts() -> None:
    """Destroy address-hashing salts older than 48 hours."""

    async def _purge(session: AsyncSession) -> int:
        return len(await destroy_old_salts(session, utcnow().date()))

    click.echo(f"destroyed {run_in_session(_purge)} salts")


def register(group: click.Group) -> None:
    group.add_command(scans)
