"""Who acts through the CLI: a named, active person whom the API itself would admit.

A state-changing command takes ``--as USER``. The user must exist, be active and hold a role
that the mirrored API endpoint admits; the role sets are read from the API's own routes, so
the CLI can never grant what the API refuses. The service then applies the same scoping as
for an API call (a licensee reaches only its own enterprise), and the audit event names that
person; the CLI as the channel shows in the event's request id (``cli-…``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import repository
from app.auth.deps import api_routes, route_roles
from app.auth.exceptions import RoleNotAllowed
from app.auth.principal import user_principal
from app.core.errors import DomainError
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
def api_roles(method: str, path: str) -> frozenset[Role]:
    """The roles the API admits on ``method path``: the CLI's rule for the same action."""
    from app.main import ROUTERS  # the whole app: only when a command actually acts

    for route in api_routes(ROUTERS):
        if route.path == path and method in (route.methods or ()):
            roles = route_roles(route)
            if roles is not None:
                return roles
    raise LookupError(f"no guarded API route {method} {path}")


async def acting_person(session: AsyncSession, username: str, method: str, path: str) -> Principal:
    """The principal for ``--as username`` doing what ``method path`` does, or a refusal."""
    user = await repository.user_by_username(session, username)
    if user is None or not user.is_active:
        raise UnknownActor(f"--as {username}: there is no active user of that name")
    allowed = api_roles(method, path)
    if user.role not in allowed:
        names = ", ".join(sorted(role.value for role in allowed))
        raise RoleNotAllowed(
            f"--as {username}: a {user.role.value} may not do this; it needs one of: {names}"
        )
    return user_principal(user)
