"""The one call every change to a public verdict makes, in the same transaction as the change.

Label, batch and licence services call :func:`trust_changed` whenever something a consumer's
verification would show changes (a revocation, recall, suspension, void, licence withdrawal,
a clone flag). It moves the trust epoch, so every worker's verdict cache drops what it read
before, at the moment the change commits (see ``cache``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.verification.models import TrustEpoch


async def trust_changed(
    session: AsyncSession,
    *,
    codes: Iterable[str] = (),
    batch_ids: Iterable[int] = (),
    licence_ids: Iterable[int] = (),
) -> None:
    """One global epoch rather than per-object ones: verdict changes are rare (regulatory
    acts), and a single counter keeps the per-request check to one primary-key probe."""
    del codes, batch_ids, licence_ids  # named by callers to say what changed; all share one epoch
    await session.execute(
        update(TrustEpoch).where(TrustEpoch.id == 1).values(value=TrustEpoch.value + 1)
    )
