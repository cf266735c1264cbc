"""The staff's lists of scans and of codes flagged as possibly copied, a keyset page at a time
(the API's ``/api/v1/scans`` and the console call these)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import CursorParams, KeysetSlice, keyset_paginate, keyset_paginate_rows
from app.core.principal import Principal
from app.label.models import LabelScanStat
from app.verification.models import Scan
from app.verification.repository import scans as repository
from app.verification.schemas import SuspiciousCode


async def list_scans(
    session: AsyncSession,
    principal: Principal,
    page: CursorParams,
    code: str | None = None,
    batch_id: int | None = None,
    sort: str = "-scanned_at",
) -> KeysetSlice[Scan]:
    """Scans the caller may see (a licensee: of its own labels only); ``code`` in any case,
    hyphens allowed; ``sort`` is a key of ``repository.SCAN_ORDERS``."""
    wanted = code.replace("-", "").upper() if code else None
    query = repository.readable_scans(principal, wanted, batch_id)
    return await keyset_paginate(session, query, repository.SCAN_ORDERS[sort], page)


async def list_suspicious(
    session: AsyncSession, page: CursorParams, q: str | None = None, sort: str = "-flagged_at"
) -> KeysetSlice[SuspiciousCode]:
    """Flagged codes with the evidence that flagged them (staff only: no scoping)."""
    query = repository.suspicious_codes(q)
    found = await keyset_paginate_rows(session, query, repository.SUSPICIOUS_ORDERS[sort], page)
    items = [_suspicious(*row) for row in found.items]
    return KeysetSlice(items, found.total, found.total_is_estimate, found.next_cursor)


def _suspicious(stat: LabelScanStat, batch_id: int, enterprise_id: int) -> SuspiciousCode:
    return SuspiciousCode(
        code=stat.code,
        reason=stat.suspect_reason,
        evidence=stat.suspect_evidence or {},
        flagged_at=stat.flagged_at,
        scan_count=stat.scan_count,
        batch_id=batch_id,
        enterprise_id=enterprise_id,
    )
