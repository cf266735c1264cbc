"""The ``gimark`` command: one click group, one module per area of subcommands."""

from __future__ import annotations

from typing import Any

import click
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.cli import audit, backup, batch, db, demo, jobs, labelkey, plan, scans, serve, user
from app.cli.pgcreate import first_line
from app.core.config import ConfigurationError, get_settings
from app.core.errors import DomainError
from app.core.logsafety import configure_logging
from app.wiring import wire


class GimarkGroup(click.Group):
    """Refusals (bad input, illegal state, bad settings) print one clear line, not a trace."""

    def invoke(self, ctx: click.Context) -> Any:
        configure_logging()
        wire()
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            raise click.ClickException(f"{exc.code}: {exc.detail}") from exc
        except ConfigurationError as exc:
            raise click.ClickException(str(exc)) from exc
        except (DBAPIError, OSError) as exc:  # the database is unreachable or refuses us
            raise click.ClickException(f"database {_database_name()}: {first_line(exc)}") from exc
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise click.ClickException(f"invalid input: {problems}") from exc


def _database_name() -> str:
    url = make_url(get_settings().resolved_database_url)
    return url.render_as_string(hide_password=True)


@click.group(cls=GimarkGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """gimark: geographic-indication special-mark labels, licences and QR verification.

    Settings come from GIMARK_* environment variables or a .env file (see README).
    """


for module in (serve, db, backup, demo, user, audit, batch, labelkey, scans, plan, jobs):
    module.register(main)
