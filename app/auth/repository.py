from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiKey, RefreshToken, User


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    user: User | None = await session.scalar(select(User).where(User.username == username))
    return user


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
