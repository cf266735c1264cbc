"""The label-side queries of a revocation: set-based, since one revocation may cover a
million labels. Kept apart from ``app.label.repository`` only while the label domain's own
restructuring is under way; ``app.tools.nosql`` names this file until it is folded in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.label.models import Label, LabelBatch, LabelStatus


def of_licence(licence_id: int) -> ColumnElement[bool]:
    """Labels of every batch issued under the licence."""
    batch_ids = select(LabelBatch.id).where(LabelBatch.licence_id == licence_id)
    return Label.batch_id.in_(batch_ids)


def with_codes(codes: Sequence[str]) -> ColumnElement[bool]:
    return Label.code.in_(codes)


async def _update(session: AsyncSession, /, *where: ColumnElement[bool], **values: Any) -> int:
    result = await session.execute(
        update(Label).where(*where).values(**values).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_active(session: AsyncSession, which: ColumnElement[bool], /, **values: Any) -> int:
    """Set ``values`` on the still-active labels among ``which``; how many there were."""
    return await _update(session, Label.status == LabelStatus.ACTIVE, which, **values)


async def restore_revoked(session: AsyncSession, revocation_id: int, /, **values: Any) -> int:
    """Set ``values`` on the labels the revocation revoked that are revoked still."""
    revoked = (Label.revocation_id == revocation_id, Label.status == LabelStatus.REVOKED)
    return await _update(session, *revoked, **values)


async def active_count(session: AsyncSession, batch_id: int) -> int:
    query = select(func.count()).where(
        Label.batch_id == batch_id, Label.status == LabelStatus.ACTIVE
    )
    return int(await session.scalar(query) or 0)


async def owners(
    session: AsyncSession, codes: Sequence[str]
) -> Sequence[Row[str, LabelStatus, int, int, int]]:
    """(code, status, batch_id, licence_id, enterprise_id) of the labels among ``codes``."""
    query = (
        select(
            Label.code,
            Label.status,
            LabelBatch.id.label("batch_id"),
            LabelBatch.licence_id,
            LabelBatch.enterprise_id,
        )
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(Label.code.in_(codes))
    )
    return (await session.execute(query)).all()
