"""Consumer reports: filed by anyone, worked by regulators new → investigating →
resolved | dismissed (each step with a reason, audited), readable by the licensee whose label
it concerns in a copy without the informant (``view_for``)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.core.errors import InvalidState, NotFound, Unprocessable
from app.core.principal import ANONYMOUS, Principal
from app.inspection.models import Inspection
from app.label.code import normalise
from app.label.models import Label, LabelBatch
from app.report.form import check_description
from app.report.models import ConsumerReport, ReportStatus
from app.report.photo import sanitise_photo_in_worker
from app.report.redact import mask_contacts
from app.report.schemas import ReportForLicensee, ReportRead, ReportTransition
from app.revocation.models import Revocation

TRANSITIONS = {
    ReportStatus.NEW: {ReportStatus.INVESTIGATING, ReportStatus.DISMISSED},
    ReportStatus.INVESTIGATING: {ReportStatus.RESOLVED, ReportStatus.DISMISSED},
}
CLOSED = frozenset({ReportStatus.RESOLVED, ReportStatus.DISMISSED})


def readable_reports(principal: Principal) -> Select[ConsumerReport]:
    query = select(ConsumerReport)
    if principal.is_licensee:
        query = query.where(ConsumerReport.enterprise_id == principal.enterprise_id)
    return query


def view_for(principal: Principal, report: ConsumerReport) -> ReportRead | ReportForLicensee:
    """An informant's identity stays with the bureau: a licensee gets the masked copy."""
    if not principal.is_licensee:
        return ReportRead.model_validate(report)
    view = ReportForLicensee.model_validate(report)
    return view.model_copy(
        update={
            "what_was_seen": mask_contacts(view.what_was_seen),
            "where_bought": mask_contacts(view.where_bought),
        }
    )


async def _enterprise_of(session: AsyncSession, code: str | None) -> int | None:
    if not code:
        return None
    enterprise_id: int | None = await session.scalar(
        select(LabelBatch.enterprise_id)
        .join(Label, Label.batch_id == LabelBatch.id)
        .where(Label.code == code)
    )
    return enterprise_id


async def file_report(
    session: AsyncSession,
    code: str | None,
    what_was_seen: str,
    where_bought: str | None,
    contact: str | None,
    photo: bytes | None,
) -> ConsumerReport:
    check_description(what_was_seen)
    clean = await sanitise_photo_in_worker(photo) if photo else None
    normalised = normalise(code)[:20] if code and code.strip() else None
    report = ConsumerReport(
        code=normalised,
        enterprise_id=await _enterprise_of(session, normalised),
        what_was_seen=what_was_seen.strip(),
        where_bought=where_bought,
        contact=contact,
        photo=clean.content if clean else None,
        photo_media_type=clean.media_type if clean else None,
        status=ReportStatus.NEW,
    )
    session.add(report)
    await session.flush()
    after = {"code": report.code, "photo": bool(clean)}
    await audit.record(session, ANONYMOUS, "report.file", "consumer_report", report.id, after=after)
    return report


async def get_readable(
    session: AsyncSession, principal: Principal, report_id: int
) -> ConsumerReport:
    report = await session.scalar(readable_reports(principal).where(ConsumerReport.id == report_id))
    if report is None:
        raise NotFound(f"report {report_id} not found")
    return report


async def _check_links(session: AsyncSession, data: ReportTransition) -> None:
    if data.inspection_id and await session.get(Inspection, data.inspection_id) is None:
        raise NotFound(f"inspection {data.inspection_id} not found")
    if data.revocation_id and await session.get(Revocation, data.revocation_id) is None:
        raise NotFound(f"revocation {data.revocation_id} not found")


async def transition(
    session: AsyncSession, actor: Principal, report_id: int, data: ReportTransition
) -> ConsumerReport:
    report = await get_readable(session, actor, report_id)
    if data.status not in TRANSITIONS.get(report.status, set()):
        raise InvalidState(
            f"a {report.status.value} report cannot become {data.status.value}",
            current_state=report.status,
        )
    reason = (data.reason or "").strip() or None
    if data.status in CLOSED and reason is None:
        raise Unprocessable(f"say why the report is {data.status.value} (reason)", field="reason")
    await _check_links(session, data)
    before = {"status": report.status.value}
    report.status, report.handled_by_id = data.status, actor.id
    report.outcome = data.outcome or report.outcome
    report.inspection_id = data.inspection_id or report.inspection_id
    report.revocation_id = data.revocation_id or report.revocation_id
    await session.flush()
    await audit.record(
        session,
        actor,
        f"report.{data.status.value}",
        "consumer_report",
        report.id,
        before=before,
        after=data.model_dump(mode="json", exclude={"reason"}),
        reason=reason,
    )
    return report
