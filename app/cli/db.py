from __future__ import annotations

import click

from app.cli.common import run_with_database
from app.core import migrate
from app.core.db import Database


@click.group()
def db() -> None:
    """Database schema management."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""

    async def _upgrade(database: Database) -> str | None:
        await migrate.upgrade(database.engine, revision)
        return await migrate.current_revision(database.engine)

    click.echo(f"database schema at {run_with_database(_upgrade)}")


@db.command()
def current() -> None:
    """Show the schema revision the database is at, and the newest one."""

    async def _current(database: Database) -> str | None:
        return await migrate.current_revision(database.engine)

    click.echo(f"database: {run_with_database(_current)}; newest: {migrate.head_revision()}")


def register(group: click.Group) -> None:
    group.add_command(db)
