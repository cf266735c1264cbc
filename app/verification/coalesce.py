"""Coalesced label lookups: every check that arrives while a lookup round trip is in flight
waits for the next one, which fetches all their codes (and the trust epoch) in one statement.

Under load this divides database round trips by the number of concurrent checks, and keeps a
single connection busy instead of one per request. It is the DataLoader / single-flight pattern
with one rule added for consistency (issue 5 item 7, DESIGN §6):

    a check is answered only from a round trip that *started after the check arrived*.

A revocation that commits before a check arrives is therefore always seen by the round trip
that answers it: rows it fetches are read after the commit, and a cached row is served only if
the epoch read by that round trip, after the commit, still equals the epoch the row was read
under (any verdict change bumps the epoch in its own transaction). Checks whose cached row
turns out stale go round again; the next round trip fetches them.

A check never joins a round trip already in flight: the waiting list is taken, whole, just
before the statement is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from app.verification.cache import Row, VerdictCache

# (epoch, rows by code) read in one statement; codes not issued are simply absent.
Fetch = Callable[[list[str]], Awaitable[tuple[int, dict[str, Row]]]]
Waiter = tuple[str, "asyncio.Future[Row | None]"]


class LookupBatcher:
    """One round trip in flight at a time; everything that arrives meanwhile rides the next."""

    def __init__(self, fetch: Fetch, cache: VerdictCache, max_codes: int = 512) -> None:
        self._fetch, self.cache, self.max_codes = fetch, cache, max_codes
        self._waiting: list[Waiter] = []
        self._task: asyncio.Task[None] | None = None
        self.round_trips = 0

    async def label_row(self, code: str) -> Row | None:
        """The lookup row of ``code`` (``None``: not an issued label), fresh by the rule above.
        The caller gets its own copy: cached rows are shared."""
        future: asyncio.Future[Row | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((code, future))
        if self._task is None:
            self._task = asyncio.create_task(self._drain())
        row = await future
        return dict(row) if row is not None else None

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._take()
                try:
                    await self._round_trip(batch)
                except Exception as exc:  # the checks in this round trip fail; later ones retry
                    _fail(batch, exc)
        finally:
            self._task = None
            _cancel(self._waiting)  # only if the task itself was cancelled (shutdown)
            self._waiting = []

    def _take(self) -> list[Waiter]:
        """The waiting checks, at most ``max_codes`` distinct codes of them, oldest first."""
        codes: set[str] = set()
        for index, (code, _future) in enumerate(self._waiting):
            codes.add(code)
            if len(codes) > self.max_codes:
                batch, self._waiting = self._waiting[:index], self._waiting[index:]
                return batch
        batch, self._waiting = self._waiting, []
        return batch

    async def _round_trip(self, batch: list[Waiter]) -> None:
        cached: dict[str, tuple[int, Row | None]] = {}
        wanted: set[str] = set()
        for code, _future in batch:
            if code not in cached and code not in wanted:
                entry = self.cache.peek(code)
                if entry is None:
                    wanted.add(code)
                else:
                    cached[code] = entry
        self.round_trips += 1
        epoch, rows = await self._fetch(sorted(wanted))  # sorted: index order, fewer page hops
        self.cache.advance(epoch)
        for code, row in rows.items():
            self.cache.put(code, epoch, row)
        stale: list[Waiter] = []
        for waiter in batch:
            code, future = waiter
            if future.done():  # the check was cancelled meanwhile
                continue
            if code in wanted:
                future.set_result(rows.get(code))
            elif cached[code][0] == epoch:
                future.set_result(cached[code][1])
            else:  # a verdict changed since the row was cached: fetch it afresh next time
                stale.append(waiter)
        self._waiting[:0] = stale


def _fail(batch: list[Waiter], exc: Exception) -> None:
    for _code, future in batch:
        if not future.done():
            future.set_exception(exc)


def _cancel(waiting: list[Waiter]) -> None:
    for _code, future in waiting:
        future.cancel()
