"""``gimark backup PATH``: a consistent copy of a SQLite database while the service runs.

SQLite's online backup API (``sqlite3.Connection.backup``) copies the pages inside one read
transaction; the database runs in WAL mode (``app.core.db``), where a reader never blocks the
writers, so the service keeps answering and writing while the copy is made, and the copy is
the database as of one commit. Copying the file with ``cp`` instead can tear a page or miss
what still sits in the ``-wal`` file. PostgreSQL is backed up with its own ``pg_dump``
(docs/operations.md)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from app.core.config import get_settings
from app.core.db import is_sqlite


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` into a new file ``target`` (written aside and renamed, so a failed run
    leaves no half copy under the name); returns the copy's size in bytes."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        # uri mode=rw: a mistyped path must not create an empty database and back that up.
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)) as live,
            closing(sqlite3.connect(temporary)) as copy,
        ):
            live.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise click.ClickException(f"the copy fails its integrity check: {verdict}")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target.stat().st_size


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace TARGET if it exists")
def backup(target: Path, force: bool) -> None:
    """Copy the SQLite database to TARGET while the service keeps running (PostgreSQL: use
    pg_dump -Fc, see docs/operations.md)."""
    url = get_settings().resolved_database_url
    if not is_sqlite(url):
        raise click.ClickException(
            "the database is PostgreSQL: back it up with pg_dump -Fc (docs/operations.md)"
        )
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists (--force replaces it)")
    source = Path(make_url(url).database or "")
    if not source.is_file():
        raise click.ClickException(f"no SQLite database at {source}")
    if target.resolve() == source.resolve():
        raise click.ClickException("TARGET is the live database itself")
    try:
        size = backup_sqlite(source, target)
    except (OSError, sqlite3.Error) as exc:
        raise click.ClickException(f"backup to {target} failed: {exc}") from exc
    click.echo(f"backed up {source} to {target} ({size} bytes)")


def register(group: click.Group) -> None:
    group.add_command(backup)
