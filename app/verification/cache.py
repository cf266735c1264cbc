"""The verdict cache: what a label lookup returned, per worker, valid while the trust epoch
it was read under is still current.

Every change that can alter a public verdict bumps ``trust_epoch`` in its own transaction
(see ``invalidation.trust_changed``), so the bump commits exactly when the change does. Each
verification reads the epoch first (one primary-key probe of a one-row table) and uses a
cached row only if it was read under that same epoch: after a revocation commits, no worker
anywhere serves the old verdict. A lookup reads the epoch in the same statement as the row, so a
cache miss still costs one round trip. Scan totals in a cached row may lag by up to ``max_age``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.time import utcnow

EPOCH_SQL = "SELECT value FROM trust_epoch WHERE id = 1"
_EPOCH = text(EPOCH_SQL)


async def current_epoch(connection: AsyncConnection) -> int:
    if connection.dialect.name == "postgresql":
        # The driver's own prepared-statement cache: the cheapest round trip asyncpg offers.
        raw = (await connection.get_raw_connection()).driver_connection
        return int(await raw.fetchval(EPOCH_SQL))  # type: ignore[union-attr]
    return int((await connection.execute(_EPOCH)).scalar_one())


class VerdictCache:
    def __init__(self, max_entries: int = 200_000, max_age: float = 10.0) -> None:
        self.max_entries, self.max_age = max_entries, max_age
        self._rows: OrderedDict[str, tuple[int, float, dict[str, Any] | None]] = OrderedDict()

    def __contains__(self, code: str) -> bool:
        return code in self._rows

    def get(self, code: str, epoch: int) -> tuple[bool, dict[str, Any] | None]:
        """(hit, row): a hit may carry ``None``, a code we know is not issued."""
        entry = self._rows.get(code)
        if entry is None or entry[0] != epoch or time.monotonic() - entry[1] > self.max_age:
            return False, None
        return True, entry[2]

    def put(self, code: str, epoch: int, row: dict[str, Any] | None) -> None:
        self._rows[code] = (epoch, time.monotonic(), row)
        self._rows.move_to_end(code)
        if len(self._rows) > self.max_entries:
            self._rows.popitem(last=False)

    def count_scan(self, code: str) -> None:
        """Keep the cached 'checked N times' moving between refreshes from the database."""
        entry = self._rows.get(code)
        if entry is not None and entry[2] is not None:
            row = entry[2]
            row["scan_count"] = (row["scan_count"] or 0) + 1
            row["first_scanned_at"] = row["first_scanned_at"] or utcnow()
