"""Which labels an act changed, written in the ledger per batch as runs of serials.

gimark's EPCIS events (``app.epcis``) are read from the audit ledger, and each names the labels
of one batch (one trade item, one lot). An act that changes labels of several batches at once
(a scanned list on the packing line, a carton, a licence's revocation) keeps its own audit
event (its counts, and the trust-epoch bump or notice it owes) and records beside it, in the
same transaction, one plain audit event per batch touched: ``labels.<what happened>`` on that
batch, its labels in ``after["runs"]``, ``[[first, last], ...]`` in ascending serial order,
disjoint and never adjacent. These events change no verdict by themselves, so they take no
part in the epoch (``app.audit.transition``: they are quiet); activation stays as cheap as it
was.

Runs rather than codes: a line activates labels in print order, so a call of 10,000 codes is
usually one run, a few bytes to hash and store where the codes would be 230 kB per call, and a
licence's 10⁶ labels are as many runs as the voided and revoked ones leave gaps. The serials
are those the set-based UPDATE (INSERT, DELETE) returned, so the runs are exactly what changed,
gaps included; a label's (batch, serial) never changes, so neither does an event read from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.core.principal import Principal

Run = list[int]  # [first serial, last serial], both included


def serials_by_batch(changed: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """(batch id, serial) pairs as each batch's serials, ascending."""
    grouped: dict[int, list[int]] = {}
    for batch_id, serial in changed:
        grouped.setdefault(batch_id, []).append(serial)
    for serials in grouped.values():
        serials.sort()
    return grouped


def runs_of(serials: Iterable[int]) -> list[Run]:
    """The serials as ascending runs of consecutive ones (repeats merged)."""
    runs: list[Run] = []
    for serial in sorted(serials):
        if runs and serial <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], serial)
        else:
            runs.append([serial, serial])
    return runs


async def record_runs(
    session: AsyncSession,
    actor: Principal,
    action: str,
    serials: Mapping[int, Sequence[int]],
    *,
    reason: str | None = None,
    context: dict[str, Any] | None = None,
) -> None:
    """One audit event per batch of ``serials`` (batch id → the serials the act changed),
    ``context`` added to each event's ``after`` (the carton, the revocation)."""
    for batch_id in sorted(serials):
        runs = runs_of(serials[batch_id])
        if not runs:
            continue
        after = {"runs": runs, "count": sum(last - first + 1 for first, last in runs)}
        await audit.record(
            session,
            actor,
            action,
            "label_batch",
            batch_id,
            after=after | (context or {}),
            reason=reason,
        )
