"""Who is signed in to the console, and the permission check its routes name.

Console pages authenticate by the ``gimark_console`` cookie, not by a bearer token, so they
get their own principal dependency; :func:`permit_console` hands it to the one permission
check (``app.core.permissions.permit``), so every console route still names an action from
``POLICY`` and ``assert_routes_guarded`` reads it like any API route's.

Every request that can change something (anything but GET/HEAD/OPTIONS) must carry the
session's CSRF token in the form field ``csrf_token``; a missing or wrong one is refused with
a 403 page before the handler runs.

A POST that finds no live session keeps what was typed: its fields (never a password or the
old CSRF token) travel with :class:`LoginRequired` to the login page, which carries them as
hidden inputs and, once signed in, offers to send them again (``app.console.login``).

An account whose password someone else set (``must_change_password``) reaches only the
change-password page and logout until its owner has chosen their own."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from app.console import session as console_session
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.permissions import permit
from app.core.principal import Principal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No live console session: the browser is sent to the login page (not a JSON 401).
    ``carried`` holds a refused POST's fields, in order, for the login page to keep."""

    def __init__(self, carried: list[tuple[str, str]] | None = None) -> None:
        super().__init__("no console session")
        self.carried = carried or []


class PasswordChangeDue(Exception):
    """The account must choose its own password before any other page."""


PASSWORD_PAGE = "/console/password"  # noqa: S105 - a page's path, not a secret
# What an account that must change its password may still reach.
ALLOWED_BEFORE_CHANGE = frozenset({PASSWORD_PAGE, "/console/logout"})


def never_carried(name: str) -> bool:
    """Fields a login page must not echo back: secrets and the dead session's token."""
    return name == CSRF_FIELD or "password" in name.casefold()


async def carried_fields(request: Request) -> list[tuple[str, str]]:
    """A form's text fields, repeated names kept in order; files cannot travel in a page."""
    form = await request.form()
    return [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and not never_carried(name)
    ]


class CsrfRefused(DomainError):
    status, code = 403, "csrf_refused"


async def console_principal(request: Request, session: SessionDep) -> Principal:
    settings = request.app.state.settings
    token = request.cookies.get(console_session.COOKIE)
    visit = await console_session.resume(session, settings, token)
    if visit is None:
        if request.method in SAFE_METHODS:
            raise LoginRequired
        raise LoginRequired(await carried_fields(request))
    if visit.must_change_password and request.url.path not in ALLOWED_BEFORE_CHANGE:
        raise PasswordChangeDue
    if request.method not in SAFE_METHODS:
        form = await request.form()  # parsed once: FastAPI's Form(...) reads the same copy
        presented = form.get(CSRF_FIELD)
        if not visit.csrf_matches(presented if isinstance(presented, str) else None):
            raise CsrfRefused("the form's security token is missing or wrong; reload the page")
    request.state.console_visit = visit
    return visit.principal


def permit_console(action: str) -> Any:
    """``permit(action)`` for a console page: ``Annotated[Principal, permit_console(...)]``."""
    return permit(action, via=console_principal)


def current_visit(request: Request) -> console_session.Visit | None:
    visit: console_session.Visit | None = getattr(request.state, "console_visit", None)
    return visit
