"""Authentication: who an access token or an API key stands for.

``authenticate`` is the authenticator the kernel's ``current_principal`` delegates to
(``create_app`` installs it); who may then do what is ``app.core.permissions``' rule."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import repository
from app.auth.exceptions import NotAuthenticated, PasswordChangeRequired
from app.auth.keyscope import within_creator
from app.auth.models import ApiKey, User
from app.auth.principal import principal_of
from app.auth.tokens import InvalidToken, decode_access_token, sha256_hex
from app.core.config import Settings
from app.core.principal import Principal
from app.core.time import utcnow

API_KEY_PREFIX = "gmk"


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _key_principal(key: ApiKey, creator: Principal) -> Principal:
    """A key acts for its creator's organisation (kind and division): keys follow their users."""
    return Principal(
        "api_key",
        key.id,
        key.name,
        key.role,
        key.enterprise_id,
        creator.org_kind,
        creator.division_code,
        creator.organisation_id,
    )


def split_api_key(raw: str) -> tuple[str, str] | None:
    parts = raw.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    return parts[1], parts[2]


async def _vouching_creator(
    session: AsyncSession, key: ApiKey, creator: User | None
) -> Principal | None:
    """A key is only as good as the active person behind it: disabling the creator (or taking
    the role that minted it away, or the organisation) stops the key at once, without a
    separate revocation. Returns the creator's principal when it still vouches."""
    if creator is None or not creator.is_active:
        return None
    try:
        person = await principal_of(session, creator)
    except NotAuthenticated:
        return None
    return person if within_creator(person, key.role, key.enterprise_id) else None


async def _from_api_key(session: AsyncSession, raw: str) -> Principal:
    parts = split_api_key(raw)
    found = await repository.api_key_and_creator(session, parts[0]) if parts else None
    if found is None or parts is None:
        raise NotAuthenticated("API key not recognised")
    key, creator = found
    if key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, sha256_hex(parts[1])):
        raise NotAuthenticated("API key not recognised")
    person = await _vouching_creator(session, key, creator)
    if person is None:
        raise NotAuthenticated("API key no longer valid: its creator is disabled or out-ranked")
    key.last_used_at = utcnow()
    return _key_principal(key, person)


async def _from_token(session: AsyncSession, settings: Settings, token: str) -> Principal:
    try:
        claims = decode_access_token(settings.jwt_secret, token)
    except InvalidToken as exc:
        raise NotAuthenticated("access token invalid or expired") from exc
    user = await repository.user_by_id(session, claims.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("account not active")
    if claims.family_id is not None and await repository.family_revoked(session, claims.family_id):
        raise NotAuthenticated("this session was signed out; log in again")
    if user.must_change_password:  # a token from before an admin's reset (whose login it ended)
        raise PasswordChangeRequired(
            "this account's password was reset: choose a new one at /console/login"
        )
    return await principal_of(session, user)


async def authenticate(
    session: AsyncSession, settings: Settings, token: str | None, api_key: str | None
) -> Principal:
    """The kernel's authenticator (``app.core.security``): an API key wins over a token."""
    if api_key:
        return await _from_api_key(session, api_key)
    if token:
        return await _from_token(session, settings, token)
    raise NotAuthenticated("log in (Bearer token) or send an X-API-Key")
