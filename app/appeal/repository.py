from __future__ import annotations

from sqlalchemy import Select, select

from app.core.appeals import AppealRight
from app.core.principal import Principal
from app.enterprise.repository import enterprises_in_reach


def readable_rights(principal: Principal) -> Select[AppealRight]:
    """The one place that scopes appeal rights: a licensee sees only those of acts against
    its own enterprise, a bureau those against the enterprises in its jurisdiction."""
    query = select(AppealRight)
    if principal.is_licensee:
        query = query.where(AppealRight.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(AppealRight.enterprise_id.in_(reach))
    return query


def rights_listed(
    principal: Principal,
    enterprise_id: int | None,
    object_type: str | None,
    object_id: int | None,
) -> Select[AppealRight]:
    """Newest act first."""
    query = readable_rights(principal).order_by(AppealRight.id.desc())
    if enterprise_id is not None:
        query = query.where(AppealRight.enterprise_id == enterprise_id)
    if object_type is not None:
        query = query.where(AppealRight.object_type == object_type)
    if object_id is not None:
        query = query.where(AppealRight.object_id == object_id)
    return query
