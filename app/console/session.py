"""Console sign-in sessions, held on the server.

A session ends when the user logs out (its row is deleted), after ``console_idle_minutes``
without a request, ``console_absolute_hours`` after login whatever the activity, when the
account is deactivated, and when its password changes: each request re-reads the account and
compares its credential stamp (``app.auth.service.credential_stamp``) with the one taken at
login, so no other code has to remember to revoke console sessions.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.exceptions import NotAuthenticated
from app.auth.models import User
from app.auth.principal import principal_of
from app.auth.tokens import sha256_hex
from app.console import repository
from app.console.models import ConsoleSession
from app.core.config import Settings
from app.core.principal import Principal
from app.core.time import utcnow

COOKIE = "gimark_console"
# Writing last_seen_at on every page view would make each read a write; a minute's slack on
# a 30-minute idle timeout is immaterial.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Visit:
    """A request's valid session and who it signs in: plain values, not rows, so that an
    error page rendered after the request's transaction rolled back can still show them."""

    session_id: int
    csrf_token: str
    display_name: str
    principal: Principal
    must_change_password: bool = False

    def csrf_matches(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented, self.csrf_token)


def _limits(settings: Settings) -> tuple[timedelta, timedelta]:
    return (
        timedelta(minutes=settings.console_idle_minutes),
        timedelta(hours=settings.console_absolute_hours),
    )


def cookie_is_secure(settings: Settings) -> bool:
    """Secure follows the scheme the public reaches the service at (behind a TLS proxy too)."""
    return settings.public_base_url.startswith("https://")


@dataclass(frozen=True, slots=True)
class Started:
    """A new session: the cookie's token (shown once, stored hashed) and its forms' CSRF token."""

    token: str
    csrf_token: str


async def start(session: AsyncSession, settings: Settings, user: User) -> Started:
    """A new session for ``user``."""
    idle, absolute = _limits(settings)
    now = utcnow()
    await repository.delete_expired(session, user.id, now - idle, now - absolute)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=sha256_hex(token),
            user_id=user.id,
            csrf_secret=csrf,
            credential_stamp=auth_service.credential_stamp(user),
            created_at=now,
            last_seen_at=now,
        )
    )
    await session.flush()
    return Started(token, csrf)


async def resume(session: AsyncSession, settings: Settings, token: str | None) -> Visit | None:
    """The live session the cookie names, touched; ``None`` (and the row gone) when it has
    expired or its account may no longer use it."""
    row = await repository.by_token_hash(session, sha256_hex(token)) if token else None
    if row is None:
        return None
    user = await auth_service.active_user(session, row.user_id)
    if user is None or not _still_valid(row, user, settings):
        await repository.delete_session(session, row.id)
        return None
    now = utcnow()
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    try:
        principal = await principal_of(session, user)
    except NotAuthenticated:  # a staff account no organisation holds any more
        await repository.delete_session(session, row.id)
        return None
    return Visit(row.id, row.csrf_secret, user.display_name, principal, user.must_change_password)


def _still_valid(row: ConsoleSession, user: User, settings: Settings) -> bool:
    idle, absolute = _limits(settings)
    now = utcnow()
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        return False
    return hmac.compare_digest(row.credential_stamp, auth_service.credential_stamp(user))


async def end(session: AsyncSession, visit: Visit) -> None:
    await repository.delete_session(session, visit.session_id)
