from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, or_, select

from app.core.principal import Principal
from app.core.search import contains_text
from app.enterprise.models import Enterprise


def readable_enterprises(principal: Principal) -> Select[Enterprise]:
    """The one place that scopes enterprises: a licensee sees only its own, a bureau those
    registered in its division or below (``Principal.jurisdiction``)."""
    query = select(Enterprise)
    if principal.is_licensee:
        query = query.where(Enterprise.id == principal.enterprise_id)
    elif (reach := principal.jurisdiction) is not None:
        query = query.where(Enterprise.division_code.startswith(reach))
    return query


def enterprises_in_reach(principal: Principal) -> Select[int] | None:
    """The ids of the enterprises in a bureau's jurisdiction, for the other domains' filters
    (``Licence.enterprise_id.in_(...)``); ``None`` when no division limits the principal.
    A licensee is held to its enterprise by each filter itself."""
    reach = principal.jurisdiction
    if reach is None:
        return None
    return select(Enterprise.id).where(Enterprise.division_code.startswith(reach))


def readable_enterprise(principal: Principal, enterprise_id: int) -> Select[Enterprise]:
    return readable_enterprises(principal).where(Enterprise.id == enterprise_id)


def enterprise_listing(principal: Principal, q: str | None) -> Select[Enterprise]:
    """The enterprises the caller may read whose name or USCC contains ``q``, in id order."""
    query = readable_enterprises(principal).order_by(Enterprise.id)
    if not q:
        return query
    text = q.strip()
    return query.where(
        or_(contains_text(Enterprise.name, text), contains_text(Enterprise.uscc, text))
    )


def id_by_uscc(uscc: str) -> Select[int]:
    return select(Enterprise.id).where(Enterprise.uscc == uscc)


def readable_names(principal: Principal, ids: Collection[int]) -> Select[int, str]:
    """The names of the enterprises among ``ids`` that ``principal`` may read (one query for a
    whole list page, instead of one per row)."""
    allowed = readable_enterprises(principal).where(Enterprise.id.in_(ids)).subquery()
    return select(allowed.c.id, allowed.c.name)
