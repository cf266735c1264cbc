from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.deps import SettingsDep
from app.auth.exceptions import RefreshTokenReused
from app.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    Me,
    OrganisationAssign,
    RefreshRequest,
    TokenPair,
    UserCreate,
    UserRead,
)
from app.core.db import SessionDep
from app.core.errors import problem
from app.core.permissions import PUBLIC, permit
from app.core.principal import Principal

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post(
    "/auth/token",
    dependencies=[PUBLIC],
    responses={401: {"description": "wrong username or password"}},
)
async def login(
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenPair:
    """OAuth2 password login: a short-lived access token and a one-time refresh token."""
    return await service.login(session, settings, form.username, form.password)


@router.post(
    "/auth/refresh",
    dependencies=[PUBLIC],
    response_model=TokenPair,
    responses={401: {"description": "refresh token invalid, expired or already used"}},
)
async def refresh(
    session: SessionDep, settings: SettingsDep, body: RefreshRequest
) -> TokenPair | JSONResponse:
    """Trade a refresh token for a new pair; the old refresh token stops working. Presenting a
    spent one signs out every session of that login."""
    try:
        return await service.refresh(session, settings, body.refresh_token)
    except RefreshTokenReused as exc:
        # Answered, not raised: a raised error would roll back the family's revocation.
        return problem(exc.status, exc.code, exc.detail)


@router.get("/auth/me")
async def me(principal: Annotated[Principal, permit("auth.me")]) -> Me:
    return Me(
        kind=principal.kind,
        id=principal.id,
        name=principal.name,
        role=principal.role,
        enterprise_id=principal.enterprise_id,
    )


@router.post("/users", status_code=201)
async def create_user(
    session: SessionDep, actor: Annotated[Principal, permit("user.create")], body: UserCreate
) -> UserRead:
    return UserRead.model_validate(await service.create_user(session, actor, body))


@router.put("/users/{user_id}/organisation")
async def assign_organisation(
    session: SessionDep,
    actor: Annotated[Principal, permit("user.assign_organisation")],
    user_id: Annotated[int, Path(ge=1)],
    body: OrganisationAssign,
) -> UserRead:
    """Move a staff account to another organisation (of a kind its role fits)."""
    user = await service.assign_organisation(session, actor, user_id, body.organisation_id)
    return UserRead.model_validate(user)


@router.get("/users")
async def list_users(
    session: SessionDep, _actor: Annotated[Principal, permit("user.list")]
) -> list[UserRead]:
    return [UserRead.model_validate(u) for u in await service.list_users(session)]


@router.post("/api-keys", status_code=201)
async def create_api_key(
    session: SessionDep, actor: Annotated[Principal, permit("api_key.create")], body: ApiKeyCreate
) -> ApiKeyCreated:
    """The secret is in this response only; store it, it cannot be shown again."""
    return await service.create_api_key(session, actor, body)


@router.get("/api-keys")
async def list_api_keys(
    session: SessionDep, actor: Annotated[Principal, permit("api_key.list")]
) -> list[ApiKeyRead]:
    return [ApiKeyRead.model_validate(k) for k in await service.list_api_keys(session, actor)]


@router.delete("/api-keys/{key_id}")
async def revoke_api_key(
    session: SessionDep, actor: Annotated[Principal, permit("api_key.revoke")], key_id: int
) -> ApiKeyRead:
    return ApiKeyRead.model_validate(await service.revoke_api_key(session, actor, key_id))
