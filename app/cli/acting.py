"""Who acts through the CLI: a named, active person whom the API itself would admit.

A state-changing command takes ``--as USER``. The user must exist, be active and hold a role
that the mirrored API endpoint admits: the action is read from the API's own route and checked
with the same ``can``, so the CLI can never grant what the API refuses. The service then
applies the same scoping as for an API call (a licensee reaches only its own enterprise), and
the audit event names that person; the CLI as the channel shows in the event's request id
(``cli-…``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import repository
from app.auth.principal import principal_of
from app.core.errors import DomainError
from app.core.permissions import POLICY, RoleNotAllowed, api_routes, can, route_action
from app.core.principal import Principal, Role

F = TypeVar("F", bound=Callable[..., Any])


class UnknownActor(DomainError):
    status, code = 403, "unknown_actor"


def as_option(command: F) -> F:
    decorate = click.option(
        "--as",
        "acting_as",
        metavar="USER",
        required=True,
        help="username of the person doing this (recorded in the audit ledger)",
    )
    return decorate(command)


@cache
def api_action(method: str, path: str) -> str:
    """The action the API route ``method path`` performs: the CLI's rule for the same act."""
    from app.main import ROUTERS  # the whole app: only when a command actually acts

    for route in api_routes(ROUTERS):
        if route.path == path and method in (route.methods or ()):
            action = route_action(route)
            if action is not None:
                return action
    raise LookupError(f"no guarded API route {method} {path}")


async def acting_person(session: AsyncSession, username: str, method: str, path: str) -> Principal:
    """The principal for ``--as username`` doing what ``method path`` does, or a refusal."""
    user = await repository.user_by_username(session, username)
    if user is None or not user.is_active:
        raise UnknownActor(f"--as {username}: there is no active user of that name")
    person, action = await principal_of(session, user), api_action(method, path)
    if not can(person, action):
        names = ", ".join(sorted(role.value for role in POLICY[action]))
        raise RoleNotAllowed(
            f"--as {username}: a {user.role.value} may not do this; it needs one of: {names}"
        )
    return person


async def acting_admin(session: AsyncSession, username: str, what: str) -> Principal:
    """The principal for ``--as username`` doing an act that no API route offers (the
    platform's own settings): only an active admin may."""
    user = await repository.user_by_username(session, username)
    if user is None or not user.is_active:
        raise UnknownActor(f"--as {username}: there is no active user of that name")
    if user.role is not Role.ADMIN:
        raise RoleNotAllowed(f"--as {username}: a {user.role.value} may not {what}; it needs admin")
    return await principal_of(session, user)
