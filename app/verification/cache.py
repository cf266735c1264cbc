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

When the database cannot be reached, :meth:`VerdictCache.last_known` is what the public check
falls back on (``app.verification.outage``); ``hits`` and ``misses`` feed ``/metrics``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

from app.core.time import utcnow
from app.label.models import LabelStatus

Row = dict[str, Any]


class VerdictCache:
    def __init__(self, max_entries: int = 200_000, max_age: float = 10.0) -> None:
        self.max_entries, self.max_age = max_entries, max_age
        self._rows: OrderedDict[str, tuple[int, float, Row | None]] = OrderedDict()
        self.epoch: int | None = None  # the newest epoch seen by any round trip
        self.confirmed_at = 0.0  # when (monotonic) a round trip last read ``epoch``
        self.hits = self.misses = 0  # plain ints on the hot path; /metrics samples them

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
        if epoch == self.epoch:
            self.confirmed_at = time.monotonic()

    def peek(self, code: str) -> tuple[int, Row | None] | None:
        """The (epoch, row) cached for ``code`` if read under the newest epoch seen and young
        enough; whether it may be served is decided by the *next* epoch read (see module)."""
        entry = self._rows.get(code)
        if entry is None or entry[0] != self.epoch or time.monotonic() - entry[1] > self.max_age:
            self.misses += 1
            return None
        self.hits += 1
        return entry[0], entry[2]

    def get(self, code: str, epoch: int) -> tuple[bool, Row | None]:
        """(hit, row): a hit may carry ``None``, a code we know is not issued."""
        entry = self._rows.get(code)
        if entry is None or entry[0] != epoch or time.monotonic() - entry[1] > self.max_age:
            self.misses += 1
            return False, None
        self.hits += 1
        return True, entry[2]

    def last_known(self, code: str, max_age: float) -> tuple[Row, datetime] | None:
        """The row of an issued label as last read, and the instant it is known to have stood
        (UTC), if that is at most ``max_age`` seconds ago: for when the database is down.

        A row read under the newest epoch stood until that epoch was last confirmed by a round
        trip (no verdict changed in between, or the epoch would have moved), so it is dated at
        the later of its read and that confirmation. A row read under an older epoch is never
        answered (``advance`` drops those anyway)."""
        entry = self._rows.get(code)
        if entry is None:
            return None
        epoch, read_at, row = entry
        if row is None or (self.epoch is not None and epoch != self.epoch):
            return None
        stood_at = max(read_at, self.confirmed_at) if epoch == self.epoch else read_at
        age = time.monotonic() - stood_at
        if age > max_age:
            return None
        return dict(row), utcnow() - timedelta(seconds=age)

    def put(self, code: str, epoch: int, row: Row | None) -> None:
        """Remember ``row``, unless it is a label awaiting activation: activation does not move
        the epoch (``app.label.activation``), so a ``not_active`` row is never cached, and the
        first check after the packing line activates the label reads it afresh. Dropping an
        entry already there keeps an older row of the code from being served instead."""
        if row is not None and row.get("label_status") == LabelStatus.INACTIVE:
            self._rows.pop(code, None)
            return
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
