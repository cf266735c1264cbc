"""The trust epoch: one counter that moves, in the changing transaction, whenever a public
verdict may have changed (a revocation, recall, suspension, void, licence withdrawal, a clone
flag). Verification caches rows tagged with the epoch they were read at and serves them only
while it holds, so every worker's cache drops what it read before at the moment the change
commits (see ``app.verification.cache``).

One global epoch rather than per-object ones: verdict changes are rare (regulatory acts), and
a single counter keeps the per-request check to one primary-key probe. Domains do not call
:func:`trust_changed` themselves: ``app.audit.transition`` does, from its table of which
transitions can change a verdict."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base


class TrustEpoch(Base):
    __tablename__ = "trust_epoch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


# The epoch as a scalar subquery, for the verify reader to fetch it with its row.
EPOCH = select(TrustEpoch.value).where(TrustEpoch.id == 1).scalar_subquery()


async def trust_changed(session: AsyncSession) -> None:
    await session.execute(
        update(TrustEpoch).where(TrustEpoch.id == 1).values(value=TrustEpoch.value + 1)
    )


async def current_epoch(session: AsyncSession) -> int:
    return int(await session.scalar(select(TrustEpoch.value).where(TrustEpoch.id == 1)) or 0)
