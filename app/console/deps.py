"""Who is signed in to the console, and the permission check its routes name.

Console pages authenticate by the ``gimark_console`` cookie, not by a bearer token, so they
get their own principal dependency; :func:`permit_console` hands it to the one permission
check (``app.core.permissions.permit``), so every console route still names an action from
``POLICY`` and ``assert_routes_guarded`` reads it like any API route's.

Every request that can change something (anything but GET/HEAD/OPTIONS) must carry the
session's CSRF token in the form field ``csrf_token``; a missing or wrong one is refused with
a 403 page before the handler runs."""

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
    """No live console session: the browser is sent to the login page (not a JSON 401)."""


class CsrfRefused(DomainError):
    status, code = 403, "csrf_refused"


async def console_principal(request: Request, session: SessionDep) -> Principal:
    settings = request.app.state.settings
    token = request.cookies.get(console_session.COOKIE)
    visit = await console_session.resume(session, settings, token)
    if visit is None:
        raise LoginRequired
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
