"""The one way a state change is recorded: the audit event, the trust-epoch bump when a public
verdict can change, and the public notice when one is due, all in the caller's transaction.

What each action entails is not the caller's to remember: :data:`EFFECTS` says, per audited
action, whether it can change what a consumer's check shows (then the verdict caches must
drop what they read, see ``app.core.trust``) and which public notice it publishes. A caller
that names an action missing from the table fails at once (``KeyError``), and one that owes a
notice but brings no subject fails too, so a forgotten bump or notice cannot reach a shopper
as a stale verdict. ``tests/audit/test_transitions.py`` runs every state-changing service path
and checks the epoch and the notices against this table.

The order keeps the hardening guards: the caller locks its row (or updates conditionally) and
makes the change first; this flushes it, bumps the epoch, publishes, and queues the audit
event, which ``app.audit.service`` appends last, just before commit.

Two forms: :func:`record_transition` for a change already made (set-based UPDATEs, creations
whose snapshot is built by hand), and :func:`audited`, a context manager that snapshots the
named fields of one row before and after the block that changes it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core import appeals, notices
from app.core.notices import NoticeKind
from app.core.principal import Principal
from app.core.trust import trust_changed


@dataclass(frozen=True)
class Effect:
    """What an action entails beyond its audit event."""

    verdict: bool = False  # can change what a public check of some label shows
    notice: NoticeKind | None = None  # the public notice the act publishes (一公开)
    # an act against an enterprise that it may appeal (行政复议, 行政诉讼): see app.core.appeals
    adverse: bool = False


VERDICT = Effect(verdict=True)
QUIET = Effect()
ADVERSE = Effect(adverse=True)
ADVERSE_VERDICT = Effect(verdict=True, adverse=True)

# Every audited action, and what it entails. Keep it in the order of the layers.
EFFECTS: dict[str, Effect] = {
    # accounts and keys: who may act, never what a label says
    "user.create": QUIET,
    "user.deactivate": QUIET,
    "user.reactivate": QUIET,
    "user.password_reset": QUIET,
    "user.password_change": QUIET,
    "user.assign_organisation": QUIET,
    "organisation.create": QUIET,
    "organisation.update": QUIET,
    "api_key.create": QUIET,
    "api_key.revoke": QUIET,
    "auth.refresh_reuse": QUIET,
    # registry and enterprises: the verify page shows their names, from the cached verdict row
    "product.create": QUIET,
    "product.update": VERDICT,  # the product's name and standard appear in every verdict
    "product.artwork": QUIET,
    "enterprise.create": QUIET,
    "enterprise.update": VERDICT,  # the licensee's name appears in every verdict
    "item.create": QUIET,  # no batch names a new item yet
    "item.update": VERDICT,  # a Digital Link's verdict compares its GTIN with the item's
    # origin: what lots drew on; a batch keeps the public origin it was requested with
    "growing_base.create": QUIET,
    "growing_base.update": QUIET,
    "harvest.record": QUIET,
    "purchase.record": QUIET,
    "protected_area.shape": QUIET,
    # licences: a suspended or withdrawn licence turns its labels' verdicts
    "licence.create": QUIET,  # demo data only (``gimark demo load``); its labels come after
    "licence.apply": QUIET,
    "licence.endorse": QUIET,  # the registrant association admits; the bureau still decides
    "licence.approve": QUIET,  # a pending licence has no labels yet
    "licence.reject": ADVERSE,
    "licence.suspend": ADVERSE_VERDICT,
    "licence.reinstate": VERDICT,
    "licence.withdraw": Effect(verdict=True, notice=NoticeKind.LICENCE_WITHDRAWAL, adverse=True),
    # batches and labels
    "batch.request": QUIET,
    "batch.approve": QUIET,  # approval alone mints no code
    "batch.reject": ADVERSE,
    "batch.issue": VERDICT,  # codes that were unknown become genuine
    "batch.suspend": ADVERSE_VERDICT,
    "batch.clear": VERDICT,
    "batch.recall": Effect(verdict=True, notice=NoticeKind.RECALL, adverse=True),
    "label.void": VERDICT,
    "label.unvoid": VERDICT,
    # the packing line: activation does not move the epoch (a not_active row is never cached,
    # app.verification.cache), or 20,000 activations a second would flush every cache;
    # deactivation (a rare correction) turns genuine into not_active, which a cache would hide
    "label.activate": QUIET,
    "label.deactivate": VERDICT,
    # cartons and pallets: a package's scan is never cached; a unit's verdict is its own
    "package.create": QUIET,
    "package.pack": QUIET,
    "package.unpack": QUIET,
    # a new signing key: codes already issued keep their key and their verdicts
    "label_key.rotate": QUIET,
    "batch.replace": QUIET,  # links voided codes to a new batch request; no verdict changes
    # the credit list: listing blocks new licences and batches, changes no verdict
    "credit.list": ADVERSE,
    "credit.end": QUIET,
    # inspections and their planning
    "inspection.record": Effect(verdict=True, notice=NoticeKind.INSPECTION),  # a pass
    # A failure is not public until final: its suspension of the batch is its own action.
    "inspection.record_provisional": QUIET,
    "inspection.object": QUIET,
    "inspection.retest": Effect(verdict=True, notice=NoticeKind.INSPECTION),
    "inspection.finalise": Effect(verdict=True, notice=NoticeKind.INSPECTION),
    "inspection_plan.draw": Effect(notice=NoticeKind.PLAN),
    "inspection_assignment.create": QUIET,
    "inspector_conflict.set": QUIET,
    "inspector_conflict.clear": QUIET,
    # revocations
    "revocation.licence": Effect(verdict=True, notice=NoticeKind.REVOCATION, adverse=True),
    "revocation.batch": Effect(verdict=True, notice=NoticeKind.REVOCATION, adverse=True),
    "revocation.labels": Effect(verdict=True, notice=NoticeKind.REVOCATION, adverse=True),
    "revocation.reverse": Effect(verdict=True, notice=NoticeKind.REVOCATION_REVERSED),
    "batch.revoke": VERDICT,  # part of its revocation.batch, which carries the appeal
    "batch.unrevoke": VERDICT,
    # Which labels of one batch an act changed, as serial runs (app.label.runs): recorded
    # with plain ``audit.record`` beside the act's own transition above, which moves the epoch
    # and publishes what the act owes; they only name the labels its EPCIS events read.
    "labels.activated": QUIET,
    "labels.deactivated": QUIET,
    "labels.packed": QUIET,
    "labels.unpacked": QUIET,
    "labels.revoked": QUIET,
    "labels.restored": QUIET,
    # EPCIS events a licensee's system captured: the public check does not read them
    "epcis.capture": QUIET,
    # consumer reports: the verify page does not show them
    "report.file": QUIET,
    "report.investigating": QUIET,
    "report.resolved": QUIET,
    "report.dismissed": QUIET,
    "report.refer": QUIET,  # to another jurisdiction; the clocks restart there
    # supervision data: none of it is shown by the public check
    "roster.create": QUIET,
    "roster.update": QUIET,
    "use_report.submit": QUIET,
    "use_report.accept": QUIET,
    "use_report.return": QUIET,
    "print_run.record": QUIET,
    # the working-day calendar: deadlines, never a verdict
    "calendar_day.set": QUIET,
    "calendar_day.delete": QUIET,
    # the platform itself
    "job.enqueued": QUIET,
    "audit.checkpoint_publish": QUIET,  # its notice is published once per day, see checkpoints
}


class MissingNotice(RuntimeError):
    """A transition that owes the public a notice was recorded without its subject."""


class MissingAppellant(RuntimeError):
    """An adverse act was recorded without the enterprise it is against."""


async def record_transition(
    session: AsyncSession,
    actor: Principal,
    action: str,
    object_type: str,
    object_id: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    about: notices.Subject | None = None,
    notice_subject_id: int | None = None,
    against: int | None = None,
) -> AuditEvent:
    """Record a change the caller has made (in this transaction). ``about`` is the notice's
    subject when the action publishes one; the notice is filed under ``notice_subject_id``
    (default: the object's id). ``against`` is the enterprise an adverse act is against: its
    right to appeal is recorded, and told in the act's notice."""
    effect = EFFECTS[action]
    await session.flush()
    if effect.verdict:
        await trust_changed(session)
    if effect.adverse:
        if against is None:
            raise MissingAppellant(f"{action} is adverse: pass the enterprise it is against")
        right = await appeals.record(session, against, action, object_type, int(object_id), reason)
        if about is not None:
            about.detail = about.detail | {"appeal": right.deadlines.as_detail()}
    if effect.notice is not None:
        if about is None:
            raise MissingNotice(f"{action} publishes a {effect.notice} notice: pass its subject")
        subject_id = notice_subject_id if notice_subject_id is not None else int(object_id)
        await notices.publish(session, effect.notice, subject_id, about)
    return await audit.record(
        session,
        actor,
        action,
        object_type,
        object_id,
        before=before,
        after=after,
        reason=reason,
    )


@dataclass
class Transition:
    """Filled in inside an :func:`audited` block, read when the block ends."""

    reason: str | None = None
    about: notices.Subject | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # added to the ``after`` snapshot


@asynccontextmanager
async def audited(
    session: AsyncSession,
    actor: Principal,
    action: str,
    row: Any,
    *fields: str,
    object_type: str | None = None,
    reason: str | None = None,
) -> AsyncIterator[Transition]:
    """Change ``row`` inside the block; on leaving it, record the transition with ``fields``
    snapshot before (``None`` for a row not yet stored) and after. Nothing is recorded when
    the block raises: the caller's transaction rolls back with it."""
    stored = inspect(row).persistent
    before = audit.snapshot(row, *fields) if stored else None
    transition = Transition(reason=reason)
    yield transition
    if not stored:
        session.add(row)
    await session.flush()
    after = audit.snapshot(row, *fields) | transition.extra
    await record_transition(
        session,
        actor,
        action,
        object_type or row.__tablename__,
        row.id,
        before=before,
        after=after,
        reason=transition.reason,
        about=transition.about,
        against=getattr(row, "enterprise_id", None),
    )
