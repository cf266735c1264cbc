"""Reading the appeal trail (written by ``app.audit.transition`` through
``app.core.appeals``): an enterprise sees the acts against it and until when it may appeal."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.appeal import repository
from app.core.appeals import AppealRight
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal

# What each adverse act is called where it is shown (Chinese, English).
ACT_NAMES = {
    "licence.reject": ("不予许可", "Licence refused"),
    "licence.suspend": ("暂停使用许可", "Licence suspended"),
    "licence.withdraw": ("撤销使用许可", "Licence withdrawn"),
    "batch.reject": ("驳回标签批次申请", "Batch request rejected"),
    "batch.suspend": ("暂停标签批次", "Batch suspended"),
    "batch.recall": ("召回标签批次", "Batch recalled"),
    "revocation.licence": ("撤销许可下的标签", "Labels of a licence revoked"),
    "revocation.batch": ("撤销标签批次", "Batch revoked"),
    "revocation.labels": ("撤销标签", "Labels revoked"),
    "credit.list": ("列入严重违法失信名单", "Put on the credit list"),
}


async def list_readable(
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    *,
    enterprise_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
) -> tuple[list[AppealRight], int]:
    query = repository.rights_listed(actor, enterprise_id, object_type, object_id)
    return await paginate(session, query, page)


async def rights_of(
    session: AsyncSession, actor: Principal, object_type: str, object_id: int
) -> list[AppealRight]:
    """Every appeal right recorded for acts on one object (a licence's page, a batch's)."""
    query = repository.rights_listed(actor, None, object_type, object_id)
    return list(await session.scalars(query.limit(100)))
