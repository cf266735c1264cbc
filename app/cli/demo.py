from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.common import run_in_session
from app.core.config import get_settings
from app.demo.data import USERS
from app.demo.loader import load_demo, sample_codes
from app.label.code import format_grouped


@click.group()
def demo() -> None:
    """Demonstration data."""


@demo.command()
def load() -> None:
    """Load the demo register once: GI products, enterprises, licences, one user per role,
    and a 20-label batch for every active licence."""
    settings = get_settings()

    async def _load(session: AsyncSession) -> tuple[bool, list[str]]:
        return await load_demo(session, settings), await sample_codes(session)

    loaded, samples = run_in_session(_load)
    click.echo("demo data loaded" if loaded else "demo data already present")
    base = settings.public_base_url
    click.echo(f"API docs: {base}/docs — log in there (Authorize) or POST {base}/api/v1/auth/token")
    for username, _name, role, password in USERS:
        click.echo(f"  {role:<10} username {username!r:<13} password {password!r}")
    if samples:
        click.echo("Scan or open a demo label's verification page:")
        click.echo(f"  {base}/v/{format_grouped(samples[0])}")


def register(group: click.Group) -> None:
    group.add_command(demo)
