from __future__ import annotations

import sys

import click

from app.planning import draw


@click.group()
def plan() -> None:
    """Random inspection plans (双随机)."""


@plan.command()
@click.argument("source", metavar="FILE_OR_URL")
def redraw(source: str) -> None:
    """Re-run a published plan's draw and say whether it matches; exit 1 if it does not.

    FILE_OR_URL is the JSON of /api/v1/public/inspection-plans/ID: a saved file, the URL
    itself, or - for standard input. Nothing is read from gimark's own database.
    """
    try:
        result = draw.check(draw.load(source))
    except (OSError, ValueError, KeyError, TypeError) as exc:  # DrawRefused is a ValueError
        raise click.ClickException(f"cannot check {source}: {exc}") from exc
    click.echo("\n".join(result.lines))
    if not result.matches:
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(plan)
