"""The one call every change to a public verdict makes, in the same transaction as the change.

Label, batch and licence services call :func:`trust_changed` whenever something a consumer's
verification would show changes (a revocation, recall, suspension, void, licence withdrawal,
a new inspection). Whatever caches verdicts must hear of it here before the change commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession


async def trust_changed(
    session: AsyncSession,
    *,
    codes: Iterable[str] = (),
    batch_ids: Iterable[int] = (),
    licence_ids: Iterable[int] = (),
) -> None:
    """No verdict is cached yet, so there is nothing to invalidate; the verification
    issue replaces this body when it adds its cache."""
    del session, codes, batch_ids, licence_ids
