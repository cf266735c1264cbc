from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiKey, RefreshFamily, RefreshToken, User
from app.core.organisations import Organisation
from app.core.pagination import Keyset
from app.core.principal import OrgKind, Principal, Role
from app.core.search import contains_text


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def organisation_by_id(session: AsyncSession, organisation_id: int) -> Organisation | None:
    return await session.get(Organisation, organisation_id)


async def platform_operator(session: AsyncSession) -> Organisation | None:
    """The platform operator's organisation (the first one, if several)."""
    found: Organisation | None = await session.scalar(
        select(Organisation)
        .where(Organisation.kind == OrgKind.PLATFORM_OPERATOR)
        .order_by(Organisation.id)
        .limit(1)
    )
    return found


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    user: User | None = await session.scalar(select(User).where(User.username == username))
    return user


async def all_users(session: AsyncSession) -> list[User]:
    return list(await session.scalars(select(User).order_by(User.id)))


# The orders the users list may be read in, each on an index (the key, the unique username).
USER_ORDERS = {
    "username": Keyset("users:username", (User.username,), descending=False),
    "-username": Keyset("users:-username", (User.username,), descending=True),
    "-id": Keyset("users:-id", (User.id,), descending=True),
    "id": Keyset("users:id", (User.id,), descending=False),
}


def users_listed(q: str | None, role: Role | None, active: bool | None) -> Select[User]:
    """Accounts matching ``q`` (a substring of the username or the name, Chinese too)."""
    query = select(User)
    if q:
        query = query.where(
            or_(contains_text(User.username, q), contains_text(User.display_name, q))
        )
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    return query


async def active_admin_exists(session: AsyncSession) -> bool:
    found = await session.scalar(
        select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True)).limit(1)
    )
    return found is not None


async def api_key_and_creator(
    session: AsyncSession, prefix: str
) -> tuple[ApiKey, User | None] | None:
    """The key with the person who minted it, in one round trip (every keyed request asks)."""
    row = (
        await session.execute(
            select(ApiKey, User)
            .outerjoin(User, User.id == ApiKey.created_by_id)
            .where(ApiKey.prefix == prefix)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def refresh_token_by_hash(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    token: RefreshToken | None = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )
    return token


async def family_revoked(session: AsyncSession, family_id: int) -> bool:
    revoked_at = await session.scalar(
        select(RefreshFamily.revoked_at).where(RefreshFamily.id == family_id)
    )
    return revoked_at is not None


async def revoke_families(
    session: AsyncSession, user_id: int, family_id: int | None, when: datetime
) -> int:
    """Revoke one family, or every live family of the user when the token predates families.
    Returns how many were live: 0 means someone revoked them already."""
    query = update(RefreshFamily).where(
        RefreshFamily.user_id == user_id, RefreshFamily.revoked_at.is_(None)
    )
    if family_id is not None:
        query = query.where(RefreshFamily.id == family_id)
    result = await session.execute(
        query.values(revoked_at=when).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _readable_keys(principal: Principal) -> Select[ApiKey]:
    """An admin sees every key, a licensee its enterprise's, anyone else the keys they made."""
    query = select(ApiKey).order_by(ApiKey.id)
    if principal.is_licensee:
        return query.where(ApiKey.enterprise_id == principal.enterprise_id)
    if principal.role is not Role.ADMIN:
        # A staff key (no user id) sees no keys rather than every creator-less one.
        return query.where(
            ApiKey.created_by_id == principal.user_id, ApiKey.created_by_id.is_not(None)
        )
    return query


API_KEY_ORDERS = {
    "-id": Keyset("api_keys:-id", (ApiKey.id,), descending=True),
    "id": Keyset("api_keys:id", (ApiKey.id,), descending=False),
}


def api_keys_listed(principal: Principal, q: str | None, live: bool | None) -> Select[ApiKey]:
    """The keys ``principal`` may see, matching ``q`` (the name or the public prefix)."""
    query = _readable_keys(principal)
    if q:
        query = query.where(_key_matches(q))
    if live is not None:
        query = query.where(ApiKey.revoked_at.is_(None) if live else ApiKey.revoked_at.is_not(None))
    return query


def _key_matches(q: str) -> ColumnElement[bool]:
    return or_(contains_text(ApiKey.name, q), contains_text(ApiKey.prefix, q))


async def readable_api_keys(session: AsyncSession, principal: Principal) -> list[ApiKey]:
    return list(await session.scalars(_readable_keys(principal)))


async def readable_api_key(
    session: AsyncSession, principal: Principal, key_id: int
) -> ApiKey | None:
    """The key, if ``principal`` may see it (else ``None``: the caller answers 404)."""
    key: ApiKey | None = await session.scalar(_readable_keys(principal).where(ApiKey.id == key_id))
    return key
