"""``gimark db upgrade`` against a PostgreSQL server whose database does not exist yet: create
it when the server lets us, otherwise say in one line what to do (never a traceback)."""

from __future__ import annotations

import click
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

INVALID_CATALOG_NAME = "3D000"  # PostgreSQL: the database named in the connection does not exist


def is_missing_database(exc: BaseException) -> bool:
    """Walks the chain: SQLAlchemy wraps the driver's error, which carries the SQLSTATE."""
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) == INVALID_CATALOG_NAME:
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


async def create_database(url: str) -> str:
    """Create the database ``url`` names, connecting to the server's ``postgres`` database
    with the same credentials; returns its name or raises a one-line ClickException."""
    target: URL = make_url(url)
    name = target.database or ""
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"CREATE DATABASE {_quoted(name)}"))
    except (DBAPIError, OSError) as exc:
        raise click.ClickException(_cannot_create(target, exc)) from None
    finally:
        await admin.dispose()
    return name


def _cannot_create(target: URL, exc: BaseException) -> str:
    host, port = target.host or "localhost", target.port or 5432
    user = f" -U {target.username}" if target.username else ""
    return (
        f"database {target.database!r} does not exist on {host}:{port} and could not be created"
        f" ({first_line(exc)}); create it with `createdb -h {host} -p {port}{user}"
        f" {target.database}` or set GIMARK_DATABASE_URL to an existing database"
    )
