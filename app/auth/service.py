"""Users, logins, refresh-token rotation and API keys."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.transition import audited, record_transition
from app.auth import repository
from app.auth.exceptions import (
    InvalidCredentials,
    PasswordChangeRequired,
    PasswordUnchanged,
    PersonRequired,
    RefreshTokenReused,
    UsernameTaken,
    WrongCurrentPassword,
)
from app.auth.keyscope import granted_scope
from app.auth.models import ApiKey, RefreshFamily, RefreshToken, User
from app.auth.passwords import hash_password, temporary_password, verify_password
from app.auth.principal import principal_of
from app.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, TokenPair, UserCreate
from app.auth.tokens import create_access_token, new_opaque_secret, sha256_hex
from app.core.config import Settings
from app.core.errors import NotFound, Unprocessable
from app.core.organisations import Organisation
from app.core.pagination import CursorParams, KeysetSlice, keyset_paginate
from app.core.principal import ROLE_ORG_KINDS, OrgKind, Principal, Role
from app.core.time import utcnow

USER_FIELDS = (
    "username",
    "display_name",
    "role",
    "enterprise_id",
    "organisation_id",
    "is_active",
)


def _check_enterprise_link(role: Role, enterprise_id: int | None) -> None:
    """A licensee account belongs to one enterprise, any other to none. That the enterprise
    exists is the foreign key's to say (:func:`_flush_new`): auth sits below enterprise."""
    if role is Role.LICENSEE:
        if enterprise_id is None:
            raise Unprocessable("a licensee belongs to one enterprise: give enterprise_id")
    elif enterprise_id is not None:
        raise Unprocessable("only licensee accounts belong to an enterprise")


async def _flush_new(session: AsyncSession, row: User | ApiKey) -> None:
    """Insert ``row`` in a savepoint, so that a refused insert leaves the transaction usable.
    A missing enterprise is refused by the foreign key (SQLite and PostgreSQL both name it a
    "foreign key" violation), a username taken meanwhile by the unique index."""
    session.add(row)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if row.enterprise_id is not None and "foreign key" in str(exc.orig).lower():
            raise NotFound(f"enterprise {row.enterprise_id} does not exist") from exc
        if isinstance(row, User) and "username" in str(exc.orig):
            # a concurrent request took the name after the caller's check
            raise UsernameTaken("this username is taken") from exc
        raise


def _require_person(actor: Principal) -> None:
    """Accounts and keys are made by a person (or the CLI's first-admin bootstrap): an API key
    that could create them would let one leaked secret outlive its own revocation."""
    if actor.kind == "api_key":
        raise PersonRequired("an API key cannot create accounts or keys; sign in as a person")


async def create_user(
    session: AsyncSession,
    actor: Principal,
    data: UserCreate,
    *,
    reason: str | None = None,
    must_change_password: bool = True,
) -> User:
    """A new account. Its password was chosen by whoever made it, so its owner must choose
    their own at first login; only the first admin, who types their own password on the
    command line, is spared (``must_change_password=False``)."""
    _require_person(actor)
    _check_enterprise_link(data.role, data.enterprise_id)
    organisation_id = await _checked_organisation(session, actor, data.role, data.organisation_id)
    if await repository.user_by_username(session, data.username):
        raise UsernameTaken("this username is taken")
    user = User(
        organisation_id=organisation_id,
        username=data.username,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        role=data.role,
        enterprise_id=data.enterprise_id,
        must_change_password=must_change_password,
    )
    await _flush_new(session, user)
    after = audit.snapshot(user, *USER_FIELDS)
    await record_transition(
        session, actor, "user.create", "user", user.id, after=after, reason=reason
    )
    return user


PLATFORM_OPERATOR = ("gimark 平台运营方", "gimark platform operator")


async def _platform_operator(session: AsyncSession, actor: Principal) -> Organisation:
    """The platform operator's organisation, made (and audited) with the first admin."""
    found = await repository.platform_operator(session)
    if found is not None:
        return found
    name_zh, name_en = PLATFORM_OPERATOR
    made = Organisation(
        name_zh=name_zh, name_en=name_en, kind=OrgKind.PLATFORM_OPERATOR, division_code="150000"
    )
    async with audited(session, actor, "organisation.create", made, "name_zh", "kind"):
        session.add(made)
    return made


async def _checked_organisation(
    session: AsyncSession, actor: Principal, role: Role, organisation_id: int | None
) -> int | None:
    """The organisation a new account of ``role`` joins: staff need one of a kind their role
    fits (``ROLE_ORG_KINDS``); a licensee joins none. An admin named without one joins the
    platform operator (made at the first admin's creation)."""
    if role is Role.LICENSEE:
        if organisation_id is not None:
            raise Unprocessable(
                "a licensee acts for its enterprise, not an organisation", field="organisation_id"
            )
        return None
    if organisation_id is None:
        if role is not Role.ADMIN:
            raise Unprocessable(
                f"a {role.value} account needs the organisation it works for",
                field="organisation_id",
            )
        return (await _platform_operator(session, actor)).id
    organisation = await repository.organisation_by_id(session, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} does not exist")
    if organisation.kind not in ROLE_ORG_KINDS[role]:
        kinds = ", ".join(sorted(kind.value for kind in ROLE_ORG_KINDS[role]))
        raise Unprocessable(
            f"a {role.value} works for one of: {kinds}; organisation {organisation_id} is a "
            f"{organisation.kind.value}",
            field="organisation_id",
        )
    return organisation.id


async def assign_organisation(
    session: AsyncSession, actor: Principal, user_id: int, organisation_id: int
) -> User:
    """Move a staff account to another organisation: from its next request it reads and acts
    in that organisation's division, as that kind of organisation."""
    _require_person(actor)
    user = await get_user(session, user_id)
    checked = await _checked_organisation(session, actor, user.role, organisation_id)
    if user.organisation_id == checked:
        return user
    async with audited(
        session, actor, "user.assign_organisation", user, "organisation_id", object_type="user"
    ):
        user.organisation_id = checked
    return user


async def list_users(session: AsyncSession) -> list[User]:
    return await repository.all_users(session)


async def list_users_page(
    session: AsyncSession,
    page: CursorParams,
    *,
    q: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
    sort: str = "username",
) -> KeysetSlice[User]:
    """A page of accounts (the console's users list); ``sort`` is a key of
    ``repository.USER_ORDERS``."""
    query = repository.users_listed(q, role, active)
    return await keyset_paginate(session, query, repository.USER_ORDERS[sort], page)


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


async def set_user_active(
    session: AsyncSession, actor: Principal, user_id: int, active: bool
) -> User:
    """Deactivate or reactivate an account. A deactivated account's console sessions end at
    their next request (:func:`active_user`), its refresh tokens stop working and the API keys
    it made stop working too (``app.auth.keyscope``); nothing is deleted, so reactivating
    restores it. An admin cannot deactivate their own account (and lock the door behind
    them). Asking for the state the account is already in records nothing."""
    _require_person(actor)
    user = await get_user(session, user_id)
    if not active and user.id == actor.user_id:
        raise Unprocessable("you cannot deactivate your own account")
    if user.is_active is active:
        return user
    action = "user.reactivate" if active else "user.deactivate"
    async with audited(session, actor, action, user, "is_active", object_type="user"):
        user.is_active = active
    return user


async def reset_password(
    session: AsyncSession, actor: Principal, user_id: int, new_password: str | None = None
) -> str:
    """An admin gives an account a new password: the one typed, or a generated temporary one.
    Returned so the admin can pass it on (it is stored only hashed). The owner must change it at
    their next login, and every session the account had ends (:func:`_revoke_sessions`)."""
    _require_person(actor)
    user = await get_user(session, user_id)
    password = new_password or temporary_password()
    async with audited(
        session, actor, "user.password_reset", user, "must_change_password", object_type="user"
    ) as change:
        change.extra["generated"] = new_password is None
        user.password_hash = hash_password(password)
        user.must_change_password = True
        await _revoke_sessions(session, user)
    return password


async def change_own_password(
    session: AsyncSession, actor: Principal, current: str, new: str
) -> User:
    """The signed-in person replaces their password, proving they know the current one. Their
    other sessions end (console sessions by the credential stamp, API logins by revoking their
    refresh families); the caller starts a fresh one for the browser that asked."""
    user = await get_user(session, actor.user_id) if actor.user_id is not None else None
    if user is None or actor.kind != "user":
        raise PersonRequired("only a signed-in person changes their own password")
    if not verify_password(current, user.password_hash):
        raise WrongCurrentPassword("the current password is wrong", field="current_password")
    if verify_password(new, user.password_hash):
        raise PasswordUnchanged("choose a password other than the current one", field="password")
    async with audited(
        session, actor, "user.password_change", user, "must_change_password", object_type="user"
    ):
        user.password_hash = hash_password(new)
        user.must_change_password = False
        await _revoke_sessions(session, user)
    return user


async def _revoke_sessions(session: AsyncSession, user: User) -> None:
    """End every API login of ``user`` (their refresh families, and the access tokens naming
    them). Console sessions need nothing here: the new hash changes the credential stamp each
    one compares on its next request (``app.console.session``)."""
    await repository.revoke_families(session, user.id, None, utcnow())


async def _issue_tokens(
    session: AsyncSession, settings: Settings, user: User, family_id: int
) -> TokenPair:
    refresh = new_opaque_secret()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=sha256_hex(refresh),
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
        )
    )
    access = create_access_token(
        settings.jwt_secret, user.id, user.role.value, settings.access_token_minutes, family_id
    )
    await session.flush()
    return TokenPair(
        access_token=access, expires_in=settings.access_token_minutes * 60, refresh_token=refresh
    )


async def _new_family(session: AsyncSession, user: User) -> int:
    family = RefreshFamily(user_id=user.id)
    session.add(family)
    await session.flush()
    return family.id


async def check_credentials(session: AsyncSession, username: str, password: str) -> User:
    """The one password check, for the API's token login and the console's cookie login:
    the active account, marked as just logged in, or :class:`InvalidCredentials`."""
    user = await repository.user_by_username(session, username)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        raise InvalidCredentials("wrong username or password")
    if not user.is_active:
        raise InvalidCredentials("this account is disabled")
    user.last_login_at = utcnow()
    return user


async def login(
    session: AsyncSession, settings: Settings, username: str, password: str
) -> TokenPair:
    """The API's token login. An account whose password someone else set gets no token: a
    client cannot show a change-password page, so the answer says where to change it."""
    user = await check_credentials(session, username, password)
    if user.must_change_password:
        raise PasswordChangeRequired(
            "this account's password was set by an administrator: sign in at /console/login"
            " and choose your own password, then ask for a token again"
        )
    return await _issue_tokens(session, settings, user, await _new_family(session, user))


async def active_user(session: AsyncSession, user_id: int) -> User | None:
    """The account if it still exists and is active (a session asks on every request)."""
    user = await repository.user_by_id(session, user_id)
    return user if user is not None and user.is_active else None


def credential_stamp(user: User) -> str:
    """Changes whenever the password does (a new hash, new salt): a session remembers the
    stamp of its login and ends when the account's stamp no longer matches it."""
    return sha256_hex(user.password_hash)


async def refresh(session: AsyncSession, settings: Settings, token: str) -> TokenPair:
    """Rotate: the presented token is spent. A spent token presented again revokes its whole
    family and raises :class:`RefreshTokenReused` (the caller commits that revocation).

    The row lock serialises concurrent presentations of one token: the first rotates it, every
    later one finds it spent, which is exactly the reuse a stolen copy produces."""
    stored = await repository.refresh_token_by_hash(session, sha256_hex(token))
    if stored is None:
        raise InvalidCredentials("refresh token invalid, expired or already used")
    if stored.used_at is not None:
        await _revoke_family(session, stored)
        raise RefreshTokenReused(
            "this refresh token was already used: every session of that login is signed out;"
            " log in again"
        )
    if stored.expires_at <= utcnow() or (
        stored.family_id is not None and await repository.family_revoked(session, stored.family_id)
    ):
        raise InvalidCredentials("refresh token invalid, expired or already used")
    user = await repository.user_by_id(session, stored.user_id)
    if user is None or not user.is_active:
        raise InvalidCredentials("this account is disabled")
    stored.used_at = utcnow()
    family_id = stored.family_id or await _new_family(session, user)
    return await _issue_tokens(session, settings, user, family_id)


async def _revoke_family(session: AsyncSession, stored: RefreshToken) -> None:
    """Revoke the family of a reused token (every family of the user for a token older than
    families) and audit it once: later presentations find nothing left to revoke."""
    revoked = await repository.revoke_families(session, stored.user_id, stored.family_id, utcnow())
    owner = await repository.user_by_id(session, stored.user_id)
    if not revoked or owner is None:
        return
    await record_transition(
        session,
        await principal_of(session, owner, acting=False),
        "auth.refresh_reuse",
        "refresh_family",
        stored.family_id if stored.family_id is not None else f"user-{owner.id}",
        after={"families_revoked": revoked, "token_id": stored.id},
        reason="a spent refresh token was presented again; the login's tokens are revoked",
    )


async def create_api_key(
    session: AsyncSession, actor: Principal, data: ApiKeyCreate
) -> ApiKeyCreated:
    _require_person(actor)
    role, enterprise_id = granted_scope(actor, data.role, data.enterprise_id)
    _check_enterprise_link(role, enterprise_id)
    prefix, secret = secrets.token_hex(6), new_opaque_secret()
    key = ApiKey(
        name=data.name,
        prefix=prefix,
        secret_hash=sha256_hex(secret),
        role=role,
        enterprise_id=enterprise_id,
        created_by_id=actor.user_id,
    )
    await _flush_new(session, key)
    after = audit.snapshot(key, "name", "prefix", "role", "enterprise_id")
    await record_transition(session, actor, "api_key.create", "api_key", key.id, after=after)
    return ApiKeyCreated(
        **ApiKeyRead.model_validate(key).model_dump(), api_key=f"gmk_{prefix}_{secret}"
    )


async def list_api_keys(session: AsyncSession, actor: Principal) -> list[ApiKey]:
    return await repository.readable_api_keys(session, actor)


async def list_api_keys_page(
    session: AsyncSession,
    actor: Principal,
    page: CursorParams,
    *,
    q: str | None = None,
    live: bool | None = None,
    sort: str = "-id",
) -> KeysetSlice[ApiKey]:
    query = repository.api_keys_listed(actor, q, live)
    return await keyset_paginate(session, query, repository.API_KEY_ORDERS[sort], page)


async def get_api_key(session: AsyncSession, actor: Principal, key_id: int) -> ApiKey:
    """The key if ``actor`` may see it; otherwise the same 404 as a key that does not exist."""
    key = await repository.readable_api_key(session, actor, key_id)
    if key is None:
        raise NotFound(f"API key {key_id} not found")
    return key


async def revoke_api_key(session: AsyncSession, actor: Principal, key_id: int) -> ApiKey:
    key = await get_api_key(session, actor, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await record_transition(session, actor, "api_key.revoke", "api_key", key.id)
    return key
