from __future__ import annotations

import click

from app.cli.common import run_in_session
from app.core.config import get_settings
from app.demo.data import USERS
from app.demo.loader import load_demo


@click.group()
def demo() -> None:
    """Demonstration data."""


@demo.command()
def load() -> None:
    """Load the demo register (GI products, enterprises, licences, one user per role) once."""
    loaded = run_in_session(load_demo)
    click.echo("demo data loaded" if loaded else "demo data already present")
    base = get_settings().public_base_url
    click.echo(f"API docs: {base}/docs — log in there (Authorize) or POST {base}/api/v1/auth/token")
    for username, _name, role, password in USERS:
        click.echo(f"  {role:<10} username {username!r:<13} password {password!r}")


def register(group: click.Group) -> None:
    group.add_command(demo)
