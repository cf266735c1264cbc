"""The verdict cache: what a label lookup returned, per worker, valid while the trust epoch
it was read under is still current.

Every change that can alter a public verdict bumps ``trust_epoch`` in its own transaction
(see ``app.core.trust``), so the bump commits exactly when the change does. A
verification uses a cached row only if the epoch read by a round trip that *started after the
check arrived* equals the epoch the row was read under: after a revocation commits, no check
that starts later, on any worker, is answered with the old verdict. Lookups read the epoch in
the same statement as the rows, so a cache miss costs no extra round trip (both statements are
in ``repository.lookups``). Scan totals in a cached row may lag by up to ``max_age``.

The cache also remembers the newest epoch any round trip has read (``epoch``): entries read
under an older one can never be served again, so moving forward drops them all at once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from app.core.time import utcnow

Row = dict[str, Any]


class VerdictCache:
    def __init__(self, max_entries: int = 200_000, max_age: float = 10.0) -> None:
        self.max_entries, self.max_age = max_entries, max_age
        self._rows: OrderedDict[str, tuple[int, float, Row | None]] = OrderedDict()
        self.epoch: int | None = None  # the newest epoch seen by any round trip

    def __contains__(self, code: str) -> bool:
        return code in self._rows

    @property
    def size(self) -> int:
        return len(self._rows)

    def advance(self, epoch: int) -> None:
        """A round trip read ``epoch``: if it is newer, nothing cached before can be served."""
        if self.epoch is None or epoch > self.epoch:
            if self.epoch is not None:
                self._rows.clear()
            self.epoch = epoch

    def peek(self, code: str) -> tuple[int, Row | None] | None:
        """The (epoch, row) cached for ``code`` if read under the newest epoch seen and young
        enough; whether it may be served is decided by the *next* epoch read (see module)."""
        entry = self._rows.get(code)
        if entry is None or entry[0] != self.epoch or time.monotonic() - entry[1] > self.max_age:
            return None
        return entry[0], entry[2]

    def get(self, code: str, epoch: int) -> tuple[bool, Row | None]:
        """(hit, row): a hit may carry ``None``, a code we know is not issued."""
        entry = self._rows.get(code)
        if entry is None or entry[0] != epoch or time.monotonic() - entry[1] > self.max_age:
            return False, None
        return True, entry[2]

    def put(self, code: str, epoch: int, row: Row | None) -> None:
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
