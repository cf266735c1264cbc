from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import repository, service
from app.auth.exceptions import ActorRequired
from app.auth.models import User
from app.auth.schemas import UserCreate
from app.cli.acting import acting_person
from app.cli.common import run_in_session
from app.core.principal import SYSTEM, Role


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
@click.option(
    "--organisation-id",
    type=click.IntRange(min=1),
    default=None,
    help="the organisation a staff account works for (required for regulators and "
    "inspectors; an admin's defaults to the platform operator)",
)
@click.option(
    "--as",
    "acting_as",
    metavar="USER",
    default=None,
    help="the admin creating this account (audited); omit only for the very first admin",
)
@click.password_option(help="at least 10 characters; asked for if not given")
def create(
    username: str,
    display_name: str | None,
    role: str,
    enterprise_id: int | None,
    organisation_id: int | None,
    acting_as: str | None,
    password: str,
) -> None:
    """Create a user, as an admin (--as); the very first admin is created without --as."""
    data = UserCreate(
        username=username,
        display_name=display_name or username,
        password=password,
        role=Role(role),
        enterprise_id=enterprise_id,
        organisation_id=organisation_id,
    )

    async def _create(session: AsyncSession) -> User:
        if acting_as is None:
            await _refuse_unless_first_admin(session, data.role)
            # The first admin types their own password here: nothing to change at first login.
            return await service.create_user(
                session, SYSTEM, data, reason=FIRST_ADMIN, must_change_password=False
            )
        actor = await acting_person(session, acting_as, "POST", "/api/v1/users")
        return await service.create_user(session, actor, data)

    created = run_in_session(_create)
    click.echo(f"created {created.role.value} {created.username!r} (id {created.id})")


FIRST_ADMIN = "first admin, created from the command line while no active admin existed"


async def _refuse_unless_first_admin(session: AsyncSession, role: Role) -> None:
    """Without --as there is nobody to name; that is true only before the first admin."""
    if await repository.active_admin_exists(session):
        raise ActorRequired("--as USER is required: name the admin creating this account")
    if role is not Role.ADMIN:
        raise ActorRequired("no admin exists yet: create the first admin (--role admin) first")


def register(group: click.Group) -> None:
    group.add_command(user)
