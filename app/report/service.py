"""Consumer reports: filed by anyone, worked by regulators new → investigating →
resolved | dismissed (each step with a reason, audited), readable by the licensee whose label
it concerns in a copy without the informant (``view_for``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.errors import InvalidState, NotFound, Unprocessable
from app.core.pagination import CursorParams, KeysetSlice, PageParams, keyset_paginate, paginate
from app.core.principal import ANONYMOUS, SYSTEM, Principal
from app.inspection import service as inspection_service
from app.label import service as label_service
from app.label.code import normalise
from app.report import repository
from app.report.form import check_description
from app.report.models import ConsumerReport, ReportStatus
from app.report.photo import sanitise_photo_in_worker
from app.report.redact import mask_contacts
from app.report.schemas import ReportForLicensee, ReportRead, ReportTransition
from app.revocation import service as revocation_service


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
    """The enterprise whose label the code is, if it is one. Looked up by gimark itself
    (``SYSTEM``): the informant is anonymous and is told nothing about the code."""
    if not code:
        return None
    try:
        label = await label_service.get_label(session, SYSTEM, code)
    except NotFound:
        return None
    return (await label_service.get_readable(session, SYSTEM, label.batch_id)).enterprise_id


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
    await record_transition(
        session, ANONYMOUS, "report.file", "consumer_report", report.id, after=after
    )
    return report


async def get_readable(
    session: AsyncSession, principal: Principal, report_id: int
) -> ConsumerReport:
    report = await session.scalar(repository.readable_report(principal, report_id))
    if report is None:
        raise NotFound(f"report {report_id} not found")
    return report


async def list_readable(
    session: AsyncSession, principal: Principal, page: PageParams, status: ReportStatus | None
) -> tuple[list[ConsumerReport], int]:
    return await paginate(session, repository.report_listing(principal, status), page)


async def page_readable(
    session: AsyncSession,
    principal: Principal,
    page: CursorParams,
    status: ReportStatus | None,
    q: str | None = None,
    sort: str = "-id",
) -> KeysetSlice[ConsumerReport]:
    """A keyset page of the caller's reports (the list grows without bound); ``q`` as
    ``repository.report_matches``, ``sort`` a key of ``repository.REPORT_ORDERS``."""
    query = repository.report_listing(principal, status, q)
    return await keyset_paginate(session, query, repository.REPORT_ORDERS[sort], page)


async def photo_of(
    session: AsyncSession, principal: Principal, report_id: int
) -> tuple[bytes, str]:
    """The report's photo (a deferred column, read only here) and its media type; 404 if it
    has none. Callers check ``report.photo``: the licensee's view never includes it."""
    report = await get_readable(session, principal, report_id)
    await session.refresh(report, ["photo"])
    if not report.photo or not report.photo_media_type:
        raise NotFound("this report has no photo")
    return report.photo, report.photo_media_type


async def _check_links(session: AsyncSession, actor: Principal, data: ReportTransition) -> None:
    """The inspection or revocation the report led to must exist (404 naming it)."""
    if data.inspection_id:
        await inspection_service.require_exists(session, data.inspection_id)
    if data.revocation_id:
        await revocation_service.get(session, actor, data.revocation_id)


async def transition(
    session: AsyncSession, actor: Principal, report_id: int, data: ReportTransition
) -> ConsumerReport:
    report = await get_readable(session, actor, report_id)
    if not report.status.can_become(data.status):
        raise InvalidState(
            f"a {report.status.value} report cannot become {data.status.value}",
            current_state=report.status,
        )
    reason = (data.reason or "").strip() or None
    if data.status.is_closed and reason is None:
        raise Unprocessable(f"say why the report is {data.status.value} (reason)", field="reason")
    await _check_links(session, actor, data)
    before = {"status": report.status.value}
    report.status, report.handled_by_id = data.status, actor.id
    report.outcome = data.outcome or report.outcome
    report.inspection_id = data.inspection_id or report.inspection_id
    report.revocation_id = data.revocation_id or report.revocation_id
    await record_transition(
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


async def status_counts(session: AsyncSession, principal: Principal) -> dict[ReportStatus, int]:
    """The caller's reports per state (every state, 0 where there are none): an overview."""
    found = {
        ReportStatus(status): int(count)
        for status, count in await session.execute(repository.status_counts(principal))
    }
    return {status: found.get(status, 0) for status in ReportStatus}


async def latest_for(
    session: AsyncSession, principal: Principal, limit: int = 5
) -> list[ReportRead | ReportForLicensee]:
    """The newest reports the caller may read, each in the caller's view (``view_for``: a
    licensee never sees the informant's contact)."""
    query = repository.report_listing(principal, None).limit(limit)
    return [view_for(principal, report) for report in await session.scalars(query)]
