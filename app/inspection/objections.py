"""Objection and re-test before a failing result goes public (issue 14, point 3).

A failing result suspends an issued batch at once (public verdict ``suspended``, "under
investigation") but is not published: it is ``provisional``, and the enterprise is notified in
gimark with the last day it may object, ``GIMARK_OBJECTION_WORKING_DAYS`` working days after
the notification (``app.core.workdays``: public holidays and make-up working days).

- The enterprise objects within the window and names the re-test laboratory (by one of its
  inspectors): an accredited laboratory organisation other than the first result's. After the
  window's last day, an objection is refused with the deadline.
- That laboratory's inspector records the re-test on the retained sample, judged against the
  limits stored with the first result (those in force when it was judged). A pass overturns
  the first result, which is never published, and the batch returns to good standing; a fail
  confirms it, and the re-test is published as the final result with both measurements.
- No objection by the window's end: the job ``inspection.close_windows`` makes the result final
  and publishes it; the bureau then decides recall or clearance (``app.label.standing``).

Statistics, open data and the verify page read final results only (``Inspection.stage``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import snapshot
from app.audit.transition import audited, record_transition
from app.auth.models import User
from app.core.config import get_settings
from app.core.errors import Conflict, NotFound, Unprocessable, require_state
from app.core.pagination import PageParams, paginate, paginate_rows
from app.core.principal import SYSTEM, Principal
from app.core.time import public_today
from app.core.workdays import working_calendar
from app.inspection import limits, repository, results
from app.inspection.models import (
    Inspection,
    InspectionObjection,
    InspectionResult,
    InspectionStage,
    Notification,
)
from app.inspection.results import (
    as_read,
    items_read,
    notice_subject,
)
from app.inspection.schemas import (
    InspectionRead,
    ObjectionCreate,
    ObjectionListed,
    ObjectionRead,
    RetestCreate,
    RetestLaboratory,
    WindowListed,
)
from app.label import repository as label_repository
from app.label import standing
from app.label.models import BatchMeasureKind, BatchStatus, LabelBatch
from app.planning import staffing
from app.registry import service as registry
from app.registry.models import TestItem

NOT_FINAL = (InspectionStage.PROVISIONAL, InspectionStage.OBJECTED)


def objection_working_days() -> int:
    """The window's length, ``GIMARK_OBJECTION_WORKING_DAYS``; a seam for tests."""
    return get_settings().objection_working_days


# --- the window opens ----------------------------------------------------------------------


async def open_window(
    session: AsyncSession,
    actor: Principal,
    batch: LabelBatch,
    inspection: Inspection,
    verdicts: list[limits.ItemVerdict],
) -> None:
    """A failing first result: provisional, the enterprise notified with its deadline, the
    batch suspended if issued. Nothing is published."""
    today = public_today()
    days = objection_working_days()
    deadline = (await working_calendar(session)).add(today, days)
    inspection.stage = InspectionStage.PROVISIONAL
    inspection.notified_on, inspection.objection_deadline = today, deadline
    fields = ("batch_id", "report_number", "result", "sampled_on", "lab", "stage")
    after = snapshot(inspection, *fields, "objection_deadline")
    await record_transition(
        session, actor, "inspection.record_provisional", "inspection", inspection.id, after=after
    )
    failed = ", ".join(v.item.code for v in verdicts if not v.passed)
    _notify(
        session,
        batch.enterprise_id,
        "inspection_failed",
        inspection.id,
        f"批次 {batch.lot_number} 抽检（报告 {inspection.report_number}）不合格项目：{failed}。"
        f"如有异议，可在 {deadline}（含）前（{days} 个工作日内）提出异议，"
        "并申请由另一检验机构对留存样品复检；"
        "逾期未提出的，结果将作为最终结果公示。",
        f"Lot {batch.lot_number}: inspection {inspection.report_number} failed ({failed}). "
        f"You may object and ask another laboratory to re-test the retained sample until "
        f"{deadline} ({days} working days); after that the result is final and published.",
        deadline,
    )
    if batch.status is BatchStatus.ISSUED:
        await standing.suspend(
            session,
            actor,
            batch,
            f"inspection {inspection.report_number} failed ({failed}); under investigation, "
            f"objection window until {deadline}",
            inspection_id=inspection.id,
        )


def _notify(
    session: AsyncSession,
    enterprise_id: int,
    kind: str,
    inspection_id: int,
    message_zh: str,
    message_en: str,
    deadline: date | None = None,
) -> None:
    session.add(
        Notification(
            enterprise_id=enterprise_id,
            kind=kind,
            subject_type="inspection",
            subject_id=inspection_id,
            message_zh=message_zh,
            message_en=message_en,
            deadline=deadline,
        )
    )


# --- the enterprise objects ----------------------------------------------------------------


async def laboratories(
    session: AsyncSession, actor: Principal, inspection_id: int
) -> list[RetestLaboratory]:
    """The laboratories the re-test may go to: every accredited one but the first."""
    inspection = await session.scalar(repository.readable_inspection(actor, inspection_id))
    if inspection is None:
        raise NotFound(f"inspection {inspection_id} not found")
    first = [i for i in (inspection.inspector_id, inspection.recorded_by_id) if i is not None]
    first_labs = await repository.organisations_of(session, first)
    return [
        RetestLaboratory(
            inspector_id=user.id,
            name=lab.name_zh,
            inspector=user.display_name,
            accreditation_number=lab.accreditation_number,
        )
        for user, lab in await repository.retest_laboratories(session, first, first_labs)
        if _lab_key(lab.name_zh) != _lab_key(inspection.lab)
    ]


def _lab_key(name: str) -> str:
    return "".join(name.split()).casefold()


async def file_objection(
    session: AsyncSession, actor: Principal, inspection_id: int, data: ObjectionCreate
) -> ObjectionRead:
    query = repository.readable_inspection_for_update(actor, inspection_id)
    inspection = await session.scalar(query)
    if inspection is None:
        raise NotFound(f"inspection {inspection_id} not found")
    require_state(f"inspection {inspection_id}", inspection.stage, InspectionStage.PROVISIONAL)
    deadline, today = inspection.objection_deadline, public_today()
    if deadline is None or today > deadline:
        raise Conflict(
            f"the objection window of inspection {inspection.report_number} closed at the end "
            f"of {deadline}; an objection is no longer accepted",
            deadline=str(deadline),
        )
    batch = await standing.get_batch_for_update(session, actor, inspection.batch_id)
    lab, retester = await _other_laboratory(session, inspection, batch, data)
    objection = InspectionObjection(
        inspection_id=inspection.id,
        reason=data.reason,
        retest_inspector_id=retester.id,
        retest_lab=lab,
        filed_by_id=actor.user_id,
    )
    async with audited(session, actor, "inspection.object", inspection, "stage") as change:
        inspection.stage = InspectionStage.OBJECTED
        change.reason = data.reason
        change.extra = {"retest_inspector_id": retester.id, "retest_lab": lab}
    session.add(objection)
    await session.flush()
    return ObjectionRead.model_validate(objection)


async def _other_laboratory(
    session: AsyncSession, inspection: Inspection, batch: LabelBatch, data: ObjectionCreate
) -> tuple[str, User]:
    """(name, inspector) of the re-test laboratory: an accredited laboratory organisation, not
    the first result's, not conflicted. Its name is the organisation's, not what was typed."""
    found = await repository.laboratory_inspector(session, data.retest_inspector_id)
    if found is None:
        raise Unprocessable(
            f"user {data.retest_inspector_id} is not an accredited laboratory's inspector",
            field="retest_inspector_id",
        )
    retester, laboratory = found
    lab = laboratory.name_zh
    first = [i for i in (inspection.inspector_id, inspection.recorded_by_id) if i is not None]
    same_lab = laboratory.id in await repository.organisations_of(session, first)
    if retester.id in first or same_lab or _lab_key(lab) == _lab_key(inspection.lab):
        raise Unprocessable(
            f"the re-test must be done by another laboratory than the first ({inspection.lab})",
            field="retest_inspector_id",
        )
    if await staffing.conflicted(session, retester.id, batch.enterprise_id):
        raise Unprocessable(
            f"inspector {retester.id} is marked as conflicted with this enterprise",
            field="retest_inspector_id",
        )
    return lab, retester


# --- the re-test decides -------------------------------------------------------------------


async def record_retest(
    session: AsyncSession, actor: Principal, inspection_id: int, data: RetestCreate
) -> InspectionRead:
    first = await session.scalar(repository.inspection_for_update(inspection_id))
    objection = await repository.objection_of(session, inspection_id) if first else None
    if first is None or objection is None or objection.retest_inspector_id != actor.id:
        # Only the chosen laboratory's inspector learns that this re-test exists.
        raise NotFound(f"no re-test of inspection {inspection_id} is assigned to you")
    require_state(f"inspection {inspection_id}", first.stage, InspectionStage.OBJECTED)
    # The chosen laboratory was checked above; its inspector is not otherwise assigned to
    # the batch, so the lock is taken as the system.
    batch = await standing.get_batch_for_update(session, SYSTEM, first.batch_id)
    judged_against = await _limits_of(session, first.id)
    verdicts = limits.judge(judged_against, {m.item: m.value for m in data.items})
    result = InspectionResult.of(limits.overall(verdicts))
    retest = Inspection(
        batch_id=batch.id,
        inspector_id=actor.id,
        sample_id=first.sample_id,  # the retained sample
        sampled_on=first.sampled_on,
        sampling_place=first.sampling_place,
        lab=objection.retest_lab,
        report_number=data.report_number,
        result=result,
        recorded_by_id=actor.user_id,
        stage=InspectionStage.FINAL,
        retest_of_id=first.id,
    )
    items = await results.store(session, retest, verdicts)
    passed = result is InspectionResult.PASS
    first.stage = InspectionStage.OVERTURNED if passed else InspectionStage.CONFIRMED
    objection.retest_id = retest.id
    about = await notice_subject(session, batch, retest, items)
    if not passed:  # the final result, with both measurements
        about.detail["first"] = {
            "report_number": first.report_number,
            "lab": first.lab,
            "items": [i.model_dump(mode="json") for i in await items_read(session, first.id)],
        }
    fields = ("batch_id", "report_number", "result", "sampled_on", "lab", "retest_of_id")
    await record_transition(
        session,
        actor,
        "inspection.retest",
        "inspection",
        retest.id,
        after=snapshot(retest, *fields) | {"first_stage": first.stage.value},
        about=about,
    )
    if passed and await _suspended_by(session, batch, first.id):
        await standing.clear(
            session,
            SYSTEM,
            batch.id,
            f"re-test {retest.report_number} passed: inspection {first.report_number} overturned",
        )
    _notify(
        session,
        batch.enterprise_id,
        "retest_decided",
        first.id,
        f"批次 {batch.lot_number} 复检（报告 {retest.report_number}）"
        + ("合格，原检验结果已撤销。" if passed else "仍不合格，结果为最终结果并予公示。"),
        f"Lot {batch.lot_number}: re-test {retest.report_number} "
        + ("passed; the first result is overturned." if passed else "failed; the result is final."),
    )
    return as_read(retest, items, batch.status)


async def _limits_of(session: AsyncSession, inspection_id: int) -> list[TestItem]:
    """The first result's items with the limits stored with it (unsaved copies): a re-test is
    judged by the standard in force when the sample was judged, not by a later edit."""
    stored = await repository.items_of(session, inspection_id)
    names = await registry.test_items_by_id(session, [row.test_item_id for row in stored])
    return [
        TestItem(
            id=row.test_item_id,
            product_id=names[row.test_item_id].product_id,
            code=names[row.test_item_id].code,
            name_zh=names[row.test_item_id].name_zh,
            name_en=names[row.test_item_id].name_en,
            unit=row.unit,
            min_value=row.min_value,
            max_value=row.max_value,
            method=row.method,
        )
        for row in sorted(stored, key=lambda row: row.test_item_id)
    ]


async def _suspended_by(session: AsyncSession, batch: LabelBatch, inspection_id: int) -> bool:
    """Whether the batch stands suspended because of this inspection (its last measure)."""
    if batch.status is not BatchStatus.SUSPENDED:
        return False
    measures = list(await session.scalars(label_repository.measures_of(batch.id)))
    last = measures[-1] if measures else None
    return (
        last is not None
        and last.kind is BatchMeasureKind.SUSPEND
        and last.inspection_id == inspection_id
    )


# --- the window closes ---------------------------------------------------------------------


async def close_expired_windows(session: AsyncSession, today: date | None = None) -> list[int]:
    """Make final, and publish, every failing result whose window ended without objection."""
    today = today or public_today()
    closed = []
    for inspection in await repository.expired_windows(session, today):
        batch = await session.get(LabelBatch, inspection.batch_id)
        assert batch is not None  # a foreign key
        items = await items_read(session, inspection.id)
        async with audited(session, SYSTEM, "inspection.finalise", inspection, "stage") as change:
            inspection.stage = InspectionStage.FINAL
            change.reason = f"no objection by the end of {inspection.objection_deadline}"
            change.about = await notice_subject(session, batch, inspection, items)
        _notify(
            session,
            batch.enterprise_id,
            "inspection_final",
            inspection.id,
            f"批次 {batch.lot_number} 抽检（报告 {inspection.report_number}）未在期限内提出异议，"
            "结果为最终结果并已公示；监管部门将决定召回或解除暂停。",
            f"Lot {batch.lot_number}: no objection to inspection {inspection.report_number} by "
            "the deadline; the result is final and published. The bureau decides recall or "
            "clearance.",
        )
        closed.append(inspection.id)
    await session.flush()
    return closed


# --- lists ---------------------------------------------------------------------------------


async def list_objections(
    session: AsyncSession, actor: Principal, page: PageParams
) -> tuple[list[ObjectionListed], int]:
    rows, total = await paginate_rows(session, repository.objection_listing(actor), page)
    return [_listed(*row) for row in rows], total


def _listed(objection: InspectionObjection, inspection: Inspection, lot: str) -> ObjectionListed:
    fields: dict[str, Any] = ObjectionRead.model_validate(objection).model_dump()
    return ObjectionListed(
        **fields,
        batch_id=inspection.batch_id,
        lot_number=lot,
        report_number=inspection.report_number,
        sample_id=inspection.sample_id,
        sampled_on=inspection.sampled_on,
        stage=inspection.stage,
        objection_deadline=inspection.objection_deadline,
    )


async def pending_windows(
    session: AsyncSession, page: PageParams
) -> tuple[list[WindowListed], int]:
    rows, total = await paginate_rows(session, repository.pending_windows(), page)
    return [
        WindowListed(
            inspection_id=inspection.id,
            batch_id=inspection.batch_id,
            lot_number=lot,
            enterprise_name=name,
            report_number=inspection.report_number,
            stage=inspection.stage,
            notified_on=inspection.notified_on,
            objection_deadline=inspection.objection_deadline,
        )
        for inspection, lot, name in rows
    ], total


async def list_notifications(
    session: AsyncSession, actor: Principal, page: PageParams
) -> tuple[list[Notification], int]:
    rows, total = await paginate(session, repository.notification_listing(actor), page)
    return list(rows), total
