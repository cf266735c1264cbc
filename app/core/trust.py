"""The trust epoch: one counter that moves, in the changing transaction, whenever a public
verdict may have changed (a revocation, recall, suspension, void, licence withdrawal, a clone
flag). Verification caches rows tagged with the epoch they were read at and serves them only
while it holds, so every worker's cache drops what it read before at the moment the change
commits (see ``app.verification.cache``).

One global epoch rather than per-object ones: verdict changes are rare (regulatory acts), and
a single counter keeps the per-request check to one primary-key probe. Domains do not call
:func:`trust_changed` themselves: ``app.audit.transition`` does, from its table of which
transitions can change a verdict.

On PostgreSQL the bump also stores the primary's WAL insert position (``wal_lsn``, in bytes): a
read replica that has replayed past it, and reads the same epoch, has the change
(``app.verification.replica``). The position is taken inside the transaction, so it lies
before the commit record: a replica at that position may still lack the commit, which is why the
replica's own epoch must match as well; the position only spares a doomed replica query."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnClause

from app.core.models import Base


class TrustEpoch(Base):
    __tablename__ = "trust_epoch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)
    wal_lsn: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


# The epoch as a scalar subquery, for the verify reader to fetch it with its row.
EPOCH = select(TrustEpoch.value).where(TrustEpoch.id == 1).scalar_subquery()


# pg_lsn minus pg_lsn is a byte count (numeric): comparable with a replica's replay position.
WAL_POSITION: ColumnClause[int] = literal_column("(pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")


async def trust_changed(session: AsyncSession) -> None:
    bump = update(TrustEpoch).where(TrustEpoch.id == 1).values(value=TrustEpoch.value + 1)
    if session.get_bind().dialect.name == "postgresql":
        bump = bump.values(wal_lsn=WAL_POSITION)
    await session.execute(bump)


async def current_epoch(session: AsyncSession) -> int:
    return int(await session.scalar(select(TrustEpoch.value).where(TrustEpoch.id == 1)) or 0)
