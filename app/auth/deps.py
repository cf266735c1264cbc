"""Authentication and the deny-by-default role check every non-public endpoint declares."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from app.auth import repository
from app.auth.exceptions import NotAuthenticated, RoleNotAllowed
from app.auth.keyscope import within_creator
from app.auth.models import ApiKey, User
from app.auth.principal import user_principal
from app.auth.tokens import InvalidToken, decode_access_token, sha256_hex
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.principal import Principal, Role
from app.core.time import utcnow

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)

API_KEY_PREFIX = "gmk"


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _key_principal(key: ApiKey) -> Principal:
    return Principal("api_key", key.id, key.name, key.role, key.enterprise_id)


def split_api_key(raw: str) -> tuple[str, str] | None:
    parts = raw.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    return parts[1], parts[2]


def _creator_vouches(key: ApiKey, creator: User | None) -> bool:
    """A key is only as good as the active person behind it: disabling the creator (or taking
    the role that minted it away) stops the key at once, without a separate revocation."""
    if creator is None or not creator.is_active:
        return False
    return within_creator(user_principal(creator), key.role, key.enterprise_id)


async def _from_api_key(session: SessionDep, raw: str) -> Principal:
    parts = split_api_key(raw)
    found = await repository.api_key_and_creator(session, parts[0]) if parts else None
    if found is None or parts is None:
        raise NotAuthenticated("API key not recognised")
    key, creator = found
    if key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, sha256_hex(parts[1])):
        raise NotAuthenticated("API key not recognised")
    if not _creator_vouches(key, creator):
        raise NotAuthenticated("API key no longer valid: its creator is disabled or out-ranked")
    key.last_used_at = utcnow()
    return _key_principal(key)


async def _from_token(session: SessionDep, settings: Settings, token: str) -> Principal:
    try:
        claims = decode_access_token(settings.jwt_secret, token)
    except InvalidToken as exc:
        raise NotAuthenticated("access token invalid or expired") from exc
    user = await repository.user_by_id(session, claims.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("account not active")
    if claims.family_id is not None and await repository.family_revoked(session, claims.family_id):
        raise NotAuthenticated("this session was signed out; log in again")
    return user_principal(user)


async def current_principal(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    if api_key:
        return await _from_api_key(session, api_key)
    if token:
        return await _from_token(session, settings, token)
    raise NotAuthenticated("log in (Bearer token) or send an X-API-Key")


RoleCheck = Callable[..., Awaitable[Principal]]


def require_roles(*roles: Role) -> RoleCheck:
    """A dependency that admits only ``roles``; attach it to every non-public endpoint."""
    allowed = frozenset(roles)

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise RoleNotAllowed(f"this action needs one of the roles: {names}")
        return principal

    check.allowed_roles = allowed  # type: ignore[attr-defined]
    return check


async def public_endpoint() -> None:
    """Marks an endpoint as deliberately open to anonymous callers."""


PUBLIC = Depends(public_endpoint)

# The role aliases, defined here once: `principal: Staff` reads as what it admits. A handler
# takes the alias that names its audience; scoping to the caller's own rows is the
# repository's work, not the alias's.
Staff = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.REGULATOR))]
StaffOrLicensee = Annotated[
    Principal, Depends(require_roles(Role.ADMIN, Role.REGULATOR, Role.LICENSEE))
]
StaffOrInspector = Annotated[
    Principal, Depends(require_roles(Role.ADMIN, Role.REGULATOR, Role.INSPECTOR))
]
AdminOnly = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
LicenseeOnly = Annotated[Principal, Depends(require_roles(Role.LICENSEE))]
InspectorOnly = Annotated[Principal, Depends(require_roles(Role.INSPECTOR))]
AnyRole = Annotated[Principal, Depends(require_roles(*Role))]


def _dependency_calls(route: APIRoute) -> list[object]:
    calls: list[object] = []
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        calls.append(dependant.call)
        stack.extend(dependant.dependencies)
    return calls


def route_roles(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route admits, or ``None`` for a public route."""
    for call in _dependency_calls(route):
        roles = getattr(call, "allowed_roles", None)
        if roles is not None:
            return frozenset(roles)
    return None


def api_routes(routers: Iterable[APIRouter]) -> Iterator[APIRoute]:
    for router in routers:
        yield from (route for route in router.routes if isinstance(route, APIRoute))


def assert_routes_guarded(routers: Iterable[APIRouter]) -> None:
    """Deny by default: refuse to start if any API route forgot to declare who may call it."""
    unguarded = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in api_routes(routers)
        if route_roles(route) is None and public_endpoint not in _dependency_calls(route)
    ]
    if unguarded:
        raise RuntimeError("routes without a role check or PUBLIC marker: " + "; ".join(unguarded))
