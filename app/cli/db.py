from __future__ import annotations

import click
from sqlalchemy.exc import DBAPIError

from app.cli.common import run_with_database
from app.cli.pgcreate import create_database, is_missing_database
from app.core import migrate
from app.core.db import Database


@click.group()
def db() -> None:
    """Database schema management."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest). On PostgreSQL, a database that
    does not exist yet is created first when the server allows it."""

    async def _upgrade(database: Database) -> str | None:
        try:
            await migrate.upgrade(database.engine, revision)
        except DBAPIError as exc:
            if not is_missing_database(exc):
                raise
            url = database.engine.url.render_as_string(hide_password=False)
            click.echo(f"created database {await create_database(url)!r}")
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
