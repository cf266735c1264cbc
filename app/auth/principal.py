"""Principals made from accounts: the only place a ``User`` becomes a kernel ``Principal``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import repository
from app.auth.exceptions import NotAuthenticated
from app.auth.models import User
from app.core.organisations import Organisation
from app.core.principal import Principal, Role


def user_principal(user: User, organisation: Organisation | None = None) -> Principal:
    """A signed-in person (or whoever presents that person's refresh token), with the kind
    and division of the organisation they work for."""
    return Principal(
        "user",
        user.id,
        user.username,
        user.role,
        user.enterprise_id,
        organisation.kind if organisation else None,
        organisation.division_code if organisation else None,
        organisation.id if organisation else None,
    )


async def principal_of(session: AsyncSession, user: User, *, acting: bool = True) -> Principal:
    """``user`` as a principal, its organisation read. A staff account of no organisation may
    not act (``acting``): it would be held to no division; an admin assigns it one first."""
    organisation = (
        await repository.organisation_by_id(session, user.organisation_id)
        if user.organisation_id is not None
        else None
    )
    if acting and organisation is None and user.role is not Role.LICENSEE:
        raise NotAuthenticated(
            "this staff account belongs to no organisation: an admin must assign it one"
        )
    return user_principal(user, organisation)
