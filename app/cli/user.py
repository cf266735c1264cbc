from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service
from app.auth.models import Role, User
from app.auth.principal import SYSTEM
from app.auth.schemas import UserCreate
from app.cli.common import run_in_session


@click.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--display-name", default=None, help="defaults to the username")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="admin", show_default=True
)
@click.option("--enterprise-id", type=int, default=None, help="required for a licensee")
@click.password_option(help="at least 10 characters; asked for if not given")
def create(
    username: str, display_name: str | None, role: str, enterprise_id: int | None, password: str
) -> None:
    """Create a user of any role; this is how the first admin is made."""
    data = UserCreate(
        username=username,
        display_name=display_name or username,
        password=password,
        role=Role(role),
        enterprise_id=enterprise_id,
    )

    async def _create(session: AsyncSession) -> User:
        return await service.create_user(session, SYSTEM, data)

    created = run_in_session(_create)
    click.echo(f"created {created.role.value} {created.username!r} (id {created.id})")


def register(group: click.Group) -> None:
    group.add_command(user)
