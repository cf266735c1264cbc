"""The ``gimark`` command: one click group, one module per area of subcommands."""

from __future__ import annotations

import click

from app.cli import audit, db, demo, serve, user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """gimark: geographic-indication special-mark labels, licences and QR verification.

    Settings come from GIMARK_* environment variables or a .env file (see README).
    """


for module in (serve, db, demo, user, audit):
    module.register(main)
