"""Activation on the packing line (issue 15): printed labels of a product (or licence) that
requires activation are issued ``inactive`` (verdict ``not_active``) and go live only when the
licensee's line activates them - by a serial range of a batch, a scanned list of codes, or the
units of a carton (``app.packing``, which hands its selection here).

One call is one set-based UPDATE (``repository.switch_activation``), never an ORM object per
code, and one audit event with the counts and the serial ranges per batch, not one per code;
beside it, one ``labels.activated`` (``labels.deactivated``) event per batch touched names the
labels switched as serial runs (``app.label.runs``), which is what the EPCIS event of the act
reads (``app.epcis``). The runs come from the UPDATE's RETURNING, so they cost no query.

Activation does not move the trust epoch (``app.audit.transition``: ``label.activate`` is
quiet): a ``not_active`` row is never cached (``app.verification.cache``), so the first check
after activation reads the label afresh, and flushing every worker's cache 20,000 times a
second would cost every genuine check a database round trip. Deactivation (a correction,
rare) turns ``genuine`` into ``not_active``, which cached rows would hide: it moves the epoch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.principal import Principal
from app.core.time import utcnow
from app.label import repository
from app.label.code import is_well_formed
from app.label.models import BatchStatus, LabelStatus
from app.label.runs import record_runs, serials_by_batch

SAMPLE = 100  # refused codes named in an answer; the counts cover all of them


@dataclass(frozen=True)
class Target:
    """Which labels a call acts on: ``which`` selects them; ``codes`` are the normalised codes
    asked for when the call lists them (to count and name the unknown ones); ``described`` is
    what the audit event says of the selection."""

    which: ColumnElement[bool]
    codes: Sequence[str] | None
    described: dict[str, Any]


@dataclass
class Outcome:
    requested: int = 0
    changed: int = 0  # activated (or deactivated) by this call
    unchanged: int = 0  # already active (already inactive): a no-op, counted
    refused: dict[str, int] = field(default_factory=dict)  # reason -> count
    refused_codes: list[tuple[str, str]] = field(default_factory=list)  # (code, reason)
    ranges: list[dict[str, int]] = field(default_factory=list)  # per batch, of what changed

    def refuse(self, reason: str, count: int) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + count


def _reason(
    status: LabelStatus, batch_status: BatchStatus, requires: bool, deactivating: bool
) -> str | None:
    """Why the switch refuses a label in this state (None: it does not)."""
    if status not in LabelStatus.live():
        return status.value  # void, revoked: taken out, whatever the line scans
    if batch_status not in BatchStatus.live():
        return f"batch_{batch_status.value}"
    if deactivating and not requires:
        return "activation_not_required"
    return None


async def switch(
    session: AsyncSession,
    actor: Principal,
    enterprise_id: int,
    target: Target,
    *,
    deactivating: bool = False,
    reason: str | None = None,
) -> Outcome:
    """Activate (or deactivate) the enterprise's labels among ``target``; labels of other
    enterprises count as unknown, as codes never issued do (a licensee learns nothing of
    others' codes)."""
    goal = LabelStatus.INACTIVE if deactivating else LabelStatus.ACTIVE
    now = utcnow()
    values: dict[str, Any] = {
        "status": goal,
        "activated_at": None if deactivating else now,
        "status_changed_at": now,
        "status_changed_by_id": actor.user_id,
        "status_reason": reason,
    }
    switched = await repository.switch_activation(
        session, target.which, enterprise_id, deactivating=deactivating, values=values
    )
    serials = serials_by_batch(switched)
    outcome = Outcome(changed=len(switched), ranges=_ranges(serials))
    if target.codes is not None and outcome.changed == len(target.codes):
        outcome.requested = outcome.changed  # the line's usual call: every code switched
    else:
        await _count_the_rest(session, enterprise_id, target, outcome, deactivating, goal)
    await record_transition(
        session,
        actor,
        "label.deactivate" if deactivating else "label.activate",
        "enterprise",
        enterprise_id,
        after={
            "target": target.described,
            "requested": outcome.requested,
            "changed": outcome.changed,
            "unchanged": outcome.unchanged,
            "refused": outcome.refused,
            "ranges": outcome.ranges,
        },
        reason=reason,
    )
    action = "labels.deactivated" if deactivating else "labels.activated"
    await record_runs(session, actor, action, serials, reason=reason)
    return outcome


def _ranges(serials: dict[int, list[int]]) -> list[dict[str, int]]:
    """Per batch, the lowest and highest serial switched and how many (not a list of what
    changed when there are gaps: the ``labels.*`` events name exactly that)."""
    return [
        {"batch_id": batch_id, "first_serial": s[0], "last_serial": s[-1], "count": len(s)}
        for batch_id, s in sorted(serials.items())
    ]


async def _count_the_rest(
    session: AsyncSession,
    enterprise_id: int,
    target: Target,
    outcome: Outcome,
    deactivating: bool,
    goal: LabelStatus,
) -> None:
    """What was not switched, counted after the UPDATE: already in the goal status (less
    those this call switched), refused by reason with the first codes named, unknown."""
    found = 0
    tally = await session.execute(repository.activation_tally(target.which, enterprise_id))
    for _batch_id, status, batch_status, requires, count, _first, _last in tally:
        found += count
        refusal = _reason(status, batch_status, requires, deactivating)
        if refusal is not None:
            outcome.refuse(refusal, count)
        elif status is goal:
            outcome.unchanged += count
    outcome.unchanged -= outcome.changed
    if outcome.refused:
        refusals = repository.activation_refusals(target.which, enterprise_id, deactivating, SAMPLE)
        for code, status, batch_status, requires in await session.execute(refusals):
            why = _reason(status, batch_status, requires, deactivating)
            outcome.refused_codes.append((code, why or "changed_meanwhile"))
    outcome.requested = found
    if target.codes is not None:
        outcome.requested = len(target.codes)
        if found < len(target.codes):
            known = set(await session.scalars(repository.codes_found(target.which, enterprise_id)))
            missing = [code for code in target.codes if code not in known]
            for code in missing:  # a typo (check character) or a code no label of ours has
                why = "unknown" if is_well_formed(code) else "malformed"
                outcome.refuse(why, 1)
                if len(outcome.refused_codes) < SAMPLE:
                    outcome.refused_codes.append((code, why))


def codes_target(session: AsyncSession, codes: Sequence[str]) -> Target:
    """A scanned list (normalised, without repeats)."""
    return Target(repository.labels_coded(session, codes), codes, {"codes": len(codes)})


def range_target(batch_id: int, first: int, last: int) -> Target:
    described = {"batch_id": batch_id, "first_serial": first, "last_serial": last}
    return Target(repository.labels_in_serials(batch_id, first, last), None, described)
