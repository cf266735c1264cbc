"""Consumer reports: filed by anyone (who gets a receipt number to follow it on a public
status page), worked by regulators new → investigating → resolved | dismissed (each step with
a reason, audited) against statutory clocks in working days (``app.report.deadlines``),
referable to another jurisdiction (audited, with its history), readable by the licensee whose
label it concerns in a copy without the informant (``view_for``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core import divisions
from app.core import time as clock
from app.core.errors import InvalidState, NotFound, Unprocessable
from app.core.pagination import CursorParams, KeysetSlice, PageParams, keyset_paginate, paginate
from app.core.principal import ANONYMOUS, SYSTEM, Principal
from app.core.workdays import working_calendar
from app.inspection import service as inspection_service
from app.label import service as label_service
from app.label.code import normalise
from app.report import receipt as receipts
from app.report import repository
from app.report.deadlines import clocks, due_end
from app.report.exceptions import NotADivision
from app.report.form import check_description
from app.report.models import ConsumerReport, ReportReferral, ReportStatus
from app.report.photo import sanitise_photo_in_worker
from app.report.redact import mask_contacts
from app.report.schemas import (
    PublicReportStatus,
    ReferralRead,
    ReferralRequest,
    ReportForLicensee,
    ReportRead,
    ReportTransition,
)
from app.revocation import service as revocation_service


def staff_view(report: ConsumerReport) -> ReportRead:
    """The handling bureau's copy, with whether its clock has run out."""
    view = ReportRead.model_validate(report)
    return view.model_copy(update={"overdue": report.is_overdue(clock.utcnow())})


def view_for(principal: Principal, report: ConsumerReport) -> ReportRead | ReportForLicensee:
    """An informant's identity stays with the bureau: a licensee gets the masked copy."""
    if not principal.is_licensee:
        return staff_view(report)
    overdue = report.is_overdue(clock.utcnow())
    view = ReportForLicensee.model_validate(report)
    return view.model_copy(
        update={
            "what_was_seen": mask_contacts(view.what_was_seen),
            "where_bought": mask_contacts(view.where_bought),
            "overdue": overdue,
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


def check_division(code: str | None, field: str) -> str | None:
    """A current GB/T 2260 code (blank = none); anything else is refused, naming ``field``."""
    code = (code or "").strip() or None
    if code is None:
        return None
    found = divisions.get(code) if len(code) == 6 and code.isdigit() else None
    if found is None or not found.current:
        raise NotADivision(
            f"{code!r} is not a current GB/T 2260 division code (e.g. 150821 for 五原县)",
            field=field,
        )
    return code


async def _start_clocks(
    session: AsyncSession, report: ConsumerReport, finish_working_days: int
) -> None:
    """Both clocks start today (the day the handling bureau received the report)."""
    calendar = await working_calendar(session)
    started = clocks(calendar, clock.public_today(), finish_working_days)
    report.received_on, report.accept_by = started.received_on, started.accept_by
    report.finish_by, report.due_at = started.finish_by, due_end(started.accept_by)


@dataclass(frozen=True)
class Filed:
    report: ConsumerReport
    receipt: str  # shown once to the reporter; only its digest is stored


async def file_report(
    session: AsyncSession,
    code: str | None,
    what_was_seen: str,
    where_bought: str | None,
    contact: str | None,
    photo: bytes | None,
    *,
    where_bought_division: str | None = None,
    finish_working_days: int,
) -> Filed:
    check_description(what_was_seen)
    place = check_division(where_bought_division, "where_bought_division")
    clean = await sanitise_photo_in_worker(photo) if photo else None
    normalised = normalise(code)[:20] if code and code.strip() else None
    receipt = receipts.new_receipt()
    report = ConsumerReport(
        code=normalised,
        enterprise_id=await _enterprise_of(session, normalised),
        what_was_seen=what_was_seen.strip(),
        where_bought=where_bought,
        contact=contact,
        photo=clean.content if clean else None,
        photo_media_type=clean.media_type if clean else None,
        status=ReportStatus.NEW,
        receipt_hash=receipts.digest(receipt),
        where_bought_division=place,
    )
    await _start_clocks(session, report, finish_working_days)
    session.add(report)
    await session.flush()
    # Never the contact, the text or the receipt: the audit trail is read more widely.
    after = {
        "code": report.code,
        "photo": bool(clean),
        "where_bought_division": place,
        "accept_by": _iso(report.accept_by),
        "finish_by": _iso(report.finish_by),
    }
    await record_transition(
        session, ANONYMOUS, "report.file", "consumer_report", report.id, after=after
    )
    return Filed(report, receipt)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


async def get_readable(
    session: AsyncSession, principal: Principal, report_id: int
) -> ConsumerReport:
    report = await session.scalar(repository.readable_report(principal, report_id))
    if report is None:
        raise NotFound(f"report {report_id} not found")
    return report


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    status: ReportStatus | None,
    sort: str = "-id",
) -> tuple[list[ConsumerReport], int]:
    """A page of the caller's reports; ``sort="due"``: the open ones, overdue first."""
    query = repository.report_listing(principal, status, None, sort)
    return await paginate(session, query, page)


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
    query = repository.report_listing(principal, status, q, sort)
    if sort == "due":  # a keyset cannot step over NULLs: reports without a deadline stay out
        query = query.where(repository.has_deadline())
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
    now = clock.utcnow()
    if report.status is ReportStatus.NEW:
        report.decided_at = now  # accepted or refused: the 7-day clock has been answered
    if data.status.is_closed:
        report.closed_at, report.due_at = now, None
    else:
        report.due_at = due_end(report.finish_by)
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


async def refer(
    session: AsyncSession,
    actor: Principal,
    report_id: int,
    data: ReferralRequest,
    finish_working_days: int,
) -> ConsumerReport:
    """Hand an open report to another jurisdiction (e.g. the bureau of the place of sale).
    The receiving bureau receives it today: it is new again, both clocks restart from today
    (its own 7 working days to accept), and the history keeps from, to and why."""
    report = await get_readable(session, actor, report_id)
    if report.status.is_closed:
        raise InvalidState(
            f"a {report.status.value} report cannot be referred", current_state=report.status
        )
    target = check_division(data.to_division, "to_division")
    reason = data.reason.strip()
    if not reason:
        raise Unprocessable("say why the report is referred (reason)", field="reason")
    if target == report.handling_division:
        raise Unprocessable("the report is handled there already", field="to_division")
    before = {
        "status": report.status.value,
        "handling_division": report.handling_division,
        "accept_by": _iso(report.accept_by),
        "finish_by": _iso(report.finish_by),
    }
    session.add(
        ReportReferral(
            report_id=report.id,
            # The referring bureau: the division handling it, else the referrer's own.
            from_division=report.handling_division or actor.division_code,
            to_division=target,
            reason=reason,
        )
    )
    report.handling_division, report.status = target, ReportStatus.NEW
    report.decided_at = None
    await _start_clocks(session, report, finish_working_days)
    after = {
        "status": report.status.value,
        "handling_division": target,
        "accept_by": _iso(report.accept_by),
        "finish_by": _iso(report.finish_by),
    }
    await record_transition(
        session,
        actor,
        "report.refer",
        "consumer_report",
        report.id,
        before=before,
        after=after,
        reason=reason,
    )
    await session.flush()
    return report


async def referrals(
    session: AsyncSession, principal: Principal, report_id: int
) -> list[ReferralRead]:
    """The report's hand-overs, oldest first (404 for a report the caller may not read)."""
    await get_readable(session, principal, report_id)
    rows = await session.scalars(repository.referrals_of(report_id))
    return [ReferralRead.model_validate(row) for row in rows]


async def public_status(session: AsyncSession, typed_receipt: str) -> PublicReportStatus:
    """What the holder of a receipt may read: status, dates, deadlines, the outcome, where it
    is handled. Any receipt that is not one (malformed, unknown) is the same 404."""
    digest = receipts.digest(typed_receipt)
    report = await session.scalar(repository.by_receipt(digest)) if digest else None
    if report is None:
        raise NotFound("no report has this receipt number")
    history = await session.scalars(repository.referrals_of(report.id))
    return PublicReportStatus.of(report, list(history), clock.utcnow())
