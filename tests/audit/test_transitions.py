"""Every state-changing path moves the trust epoch when a public verdict could change, and
publishes the notice it owes, as ``app.audit.transition.EFFECTS`` says (issue 11, point 4).

A forgotten bump serves a stale verdict from every worker's cache (``app.core.trust``), so
the table below runs each path for real and holds what it did to the table of effects: the
ledger gained exactly the path's actions; the epoch moved if and only if one of them can
change a verdict; the notices published are exactly those the actions owe. Two checks keep
the table whole: every action in EFFECTS has a path here, and every action the code under
``app/`` records is in EFFECTS (and every entry of EFFECTS is recorded somewhere)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import transition_paths as paths
from audit_actions import scan
from transition_world import (
    World,
    actions_since,
    adverse_notices_since,
    appeals_since,
    build_world,
    notices_since,
    observe,
)

import app
from app.audit import transition
from app.audit.transition import EFFECTS
from app.core import appeals
from app.core.notices import NoticeKind
from app.core.time import public_today
from app.core.workdays import working_calendar
from app.label.models import BatchMeasureKind
from app.report.models import ReportStatus
from app.revocation.models import RevocationScope


@dataclass(frozen=True)
class Case:
    path: Callable[[World], Awaitable[None]]
    actions: tuple[str, ...]  # every action the path records, in no particular order
    # Notices a path publishes outside EFFECTS, each with its reason at the case.
    side_notices: tuple[NoticeKind, ...] = ()

    @property
    def id(self) -> str:
        return self.path.__name__


CASES = [
    # accounts and keys
    Case(paths.create_user, ("user.create",)),
    Case(paths.assign_an_organisation, ("user.assign_organisation",)),
    Case(paths.create_organisation, ("organisation.create",)),
    Case(paths.update_organisation, ("organisation.update",)),
    Case(paths.deactivate_a_user, ("user.deactivate",)),
    Case(paths.reactivate_a_user, ("user.reactivate",)),
    Case(paths.reset_a_password, ("user.password_reset",)),
    Case(paths.change_own_password, ("user.password_change",)),
    Case(paths.create_api_key, ("api_key.create",)),
    Case(paths.revoke_api_key, ("api_key.revoke",)),
    Case(paths.reuse_a_refresh_token, ("auth.refresh_reuse",)),
    # the working-day calendar
    Case(paths.set_a_calendar_day, ("calendar_day.set",)),
    Case(paths.delete_a_calendar_day, ("calendar_day.delete",)),
    # registry and enterprises
    Case(paths.create_product, ("product.create",)),
    Case(paths.update_product, ("product.update",)),
    Case(paths.upload_artwork, ("product.artwork",)),
    Case(paths.create_enterprise, ("enterprise.create",)),
    Case(paths.update_enterprise, ("enterprise.update",)),
    Case(paths.update_own_contact, ("enterprise.update",)),
    Case(paths.create_own_item, ("item.create",)),
    Case(paths.change_item_gtin, ("item.update",)),
    # origin
    Case(paths.create_growing_base, ("growing_base.create",)),
    Case(paths.update_growing_base, ("growing_base.update",)),
    Case(paths.record_harvest, ("harvest.record",)),
    Case(paths.record_purchase, ("purchase.record",)),
    Case(paths.upload_protected_area_shape, ("protected_area.shape",)),
    # licences
    Case(paths.apply_for_licence, ("licence.apply",)),
    Case(paths.endorse_licence, ("licence.endorse",)),
    Case(paths.approve_licence, ("licence.approve",)),
    Case(paths.reject_licence, ("licence.reject",)),
    Case(paths.suspend_licence, ("licence.suspend",)),
    Case(paths.reinstate_licence, ("licence.reinstate",)),
    Case(paths.withdraw_licence, ("licence.withdraw",)),
    Case(
        paths.withdraw_licence_revoking_its_labels,
        ("licence.withdraw", "revocation.licence", "labels.revoked"),
    ),
    # batches and labels
    Case(paths.request_batch, ("batch.request",)),
    Case(
        paths.request_batch_approved_on_its_own,
        ("batch.request", "batch.approve", "batch.issue"),
    ),
    Case(paths.approve_batch, ("batch.approve",)),
    Case(paths.approve_and_issue_batch, ("batch.approve", "batch.issue")),
    Case(paths.issue_batch, ("batch.issue",)),
    Case(paths.reject_batch, ("batch.reject",)),
    Case(paths.suspend_batch, ("batch.suspend",)),
    Case(paths.clear_batch, ("batch.clear",)),
    Case(paths.recall_batch, ("batch.recall",)),
    Case(paths.void_labels, ("label.void",)),
    Case(paths.undo_a_void, ("label.unvoid",)),
    Case(paths.rotate_label_key, ("label_key.rotate",)),
    Case(paths.request_replacement_labels, ("batch.request", "batch.replace")),
    # the packing line (issue 15)
    # each act on labels names them per batch too (``labels.*``, app.label.runs): quiet
    Case(paths.activate_labels, ("label.activate", "labels.activated")),
    Case(paths.deactivate_labels, ("label.deactivate", "labels.deactivated")),
    Case(paths.create_package, ("package.create",)),
    Case(paths.pack_a_carton, ("package.pack", "labels.packed")),
    Case(paths.unpack_a_carton, ("package.unpack", "labels.unpacked")),
    Case(paths.revoke_a_carton, ("revocation.labels", "labels.revoked")),
    Case(paths.recall_a_carton, ("batch.recall",)),
    # inspections and their planning
    Case(paths.record_passing_inspection, ("inspection.record",)),
    Case(paths.record_failing_inspection, ("inspection.record_provisional", "batch.suspend")),
    Case(paths.object_to_a_failing_result, ("inspection.object",)),
    Case(paths.retest_overturns_the_result, ("inspection.retest", "batch.clear")),
    Case(paths.retest_confirms_the_result, ("inspection.retest",)),
    Case(paths.close_an_objection_window, ("inspection.finalise",)),
    Case(paths.draw_inspection_plan, ("inspection_plan.draw",)),
    Case(paths.assign_inspector, ("inspection_assignment.create",)),
    Case(paths.mark_conflict, ("inspector_conflict.set",)),
    Case(paths.clear_conflict, ("inspector_conflict.clear",)),
    # the credit list
    Case(paths.list_on_credit_list, ("credit.list",)),
    Case(paths.end_credit_listing_early, ("credit.end",)),
    # revocations
    Case(paths.revoke_batch, ("revocation.batch", "batch.revoke")),
    Case(paths.revoke_labels, ("revocation.labels", "labels.revoked")),
    Case(paths.reverse_label_revocation, ("revocation.reverse", "labels.restored")),
    Case(paths.reverse_batch_revocation, ("revocation.reverse", "batch.unrevoke")),
    # EPCIS events captured from a licensee's own system
    Case(paths.capture_epcis_events, ("epcis.capture",)),
    # consumer reports
    Case(paths.file_report, ("report.file",)),
    Case(paths.file_report_on_the_public_form, ("report.file",)),
    Case(paths.investigate_report, ("report.investigating",)),
    Case(paths.resolve_report, ("report.resolved",)),
    Case(paths.dismiss_report, ("report.dismissed",)),
    Case(paths.refer_report, ("report.refer",)),
    # supervision
    Case(paths.put_on_roster, ("roster.create",)),
    Case(paths.edit_roster_entry, ("roster.update",)),
    Case(paths.import_roster, ("roster.create", "roster.update")),
    Case(paths.submit_use_report, ("use_report.submit",)),
    Case(paths.accept_use_report, ("use_report.accept",)),
    Case(paths.return_use_report, ("use_report.return",)),
    Case(paths.record_print_run, ("print_run.record",)),
    # the platform
    Case(paths.enqueue_a_job, ("job.enqueued",)),
    # The checkpoint notice is published once per local day (``notices.publish_once``, keyed
    # by the day), not by the transition helper: a second run that day publishes nothing.
    Case(
        paths.publish_the_audit_checkpoint,
        ("audit.checkpoint_publish",),
        side_notices=(NoticeKind.AUDIT_CHECKPOINT,),
    ),
    Case(
        paths.load_the_demo,
        (
            "organisation.create",
            "product.create",
            "enterprise.create",
            "licence.create",
            "user.create",
            "growing_base.create",  # the demo sunflower bases and their harvests
            "harvest.record",
            "batch.request",
            "batch.approve",
            "batch.issue",
            "inspection.record",
            "inspection.record_provisional",
            "batch.suspend",
            "roster.create",
            "use_report.submit",
            "use_report.accept",
        ),
    ),
]


@pytest.fixture
async def world(session, client, database, test_settings) -> World:
    return await build_world(session, client, database, test_settings)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_a_path_bumps_the_epoch_and_publishes_as_its_actions_entail(
    session, world: World, case: Case
) -> None:
    await case.path(world)
    assert world.started is not None, f"{case.id} never called w.start()"
    after = await observe(session)
    actions = await actions_since(session, world.started)
    assert set(actions) == set(case.actions), f"{case.id} recorded {actions}"

    verdict = sorted({a for a in actions if EFFECTS[a].verdict})
    moved = after.epoch > world.started.epoch
    assert moved == bool(verdict), (
        f"{case.id}: the trust epoch {'moved' if moved else 'stayed'}, but "
        + (f"{verdict} can change a verdict" if verdict else "no action of it changes a verdict")
    )
    owed = [EFFECTS[a].notice for a in actions if EFFECTS[a].notice is not None]
    expected = Counter(str(kind) for kind in [*owed, *case.side_notices])
    published = Counter(await notices_since(session, world.started))
    assert published == expected, f"{case.id}: published {dict(published)}"
    await _adverse_acts_carry_appeal_rights(session, world, case, actions)


async def _adverse_acts_carry_appeal_rights(
    session, world: World, case: Case, actions: list[str]
) -> None:
    """Each adverse act recorded the right to appeal it, against the enterprise it concerns,
    with the deadlines counted from today; a notice it published states them too."""
    assert world.started is not None
    rights = await appeals_since(session, world.started)
    adverse = Counter(a for a in actions if EFFECTS[a].adverse)
    assert Counter(r.action for r in rights) == adverse, f"{case.id}: appeal rights {rights}"
    today = public_today()
    # 60 days and 6 months, each moved off a rest day or holiday
    due = appeals.deadlines(today, calendar=await working_calendar(session))
    assert due.review_by >= today + timedelta(days=60)
    assert due.litigation_by >= appeals.add_months(today, 6)
    for right in rights:
        assert right.acted_on == today
        assert (right.review_by, right.litigation_by) == (due.review_by, due.litigation_by)
        if case.id != "load_the_demo":
            assert right.enterprise_id == world.company.id
    for notice in await adverse_notices_since(session, world.started):
        if notice.kind in {EFFECTS[a].notice for a in adverse}:
            appeal = notice.detail["appeal"]
            assert appeal["review_by"] == due.review_by.isoformat()
            assert appeal["litigation_by"] == due.litigation_by.isoformat()


def test_every_action_in_the_table_of_effects_has_a_path_here() -> None:
    covered = {action for case in CASES for action in case.actions}
    assert covered == set(EFFECTS), (
        f"no path for {sorted(set(EFFECTS) - covered)}; "
        f"not in EFFECTS: {sorted(covered - set(EFFECTS))}"
    )


# The actions built by f-strings, from the enum each placeholder takes its value from.
TEMPLATES = {
    "revocation.{}": [scope.value for scope in RevocationScope],
    "batch.{}": [kind.value for kind in BatchMeasureKind],
    # A report is filed new ("report.file"); every later status is a transition to it.
    "report.{}": [status.value for status in ReportStatus if status is not ReportStatus.NEW],
}
APP = Path(app.__file__).parent


def test_every_action_the_code_records_is_in_the_table_of_effects() -> None:
    """Over the source of app/: an action missing from EFFECTS fails at run time (KeyError)
    in the path that records it, which may be one this table does not run."""
    recorded = scan(APP, TEMPLATES, skip=[Path(transition.__file__)])
    assert not recorded.unresolved, "actions not followed to literals:\n" + "\n".join(
        recorded.unresolved
    )
    missing = {a: [str(s) for s in sites] for a, sites in recorded.actions.items()}
    missing = {a: sites for a, sites in missing.items() if a not in EFFECTS}
    assert not missing, f"recorded but not in EFFECTS: {missing}"
    never = sorted(set(EFFECTS) - set(recorded.actions))
    assert not never, f"in EFFECTS but recorded nowhere under app/: {never}"
