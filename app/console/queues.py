"""``/console/queues``: what waits for a regulator, each queue with its count and its first
few items by name (enterprise, product, lot), linking to the page where it is decided.

Every count and list comes from the owning domain's service with the regulator's own
principal, the same calls the API's lists make."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.templates import render
from app.console.wording import state_name
from app.core import time as clock
from app.core.db import SessionDep
from app.core.pagination import CursorParams, PageParams
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.inspection import service as inspection_service
from app.inspection.models import InspectionResult, InspectionStage
from app.label import service as label_service
from app.label.models import BatchStatus, LabelBatch
from app.licence import service as licence_service
from app.licence.models import LicenceStatus
from app.registry import service as registry_service
from app.report import service as report_service
from app.report.models import ReportStatus
from app.verification import listings

router = APIRouter(prefix="/console/queues", include_in_schema=False)

SHOWN = 10  # items listed per queue; the count says how many there are


@dataclass
class Item:
    title: str  # the enterprise's name
    detail: tuple[str, str]  # (Chinese, English): product, lot, what happened
    href: str | None = None
    when: Any = None


@dataclass
class Queue:
    key: str
    title: tuple[str, str]
    count: int
    estimate: bool = False
    items: list[Item] = field(default_factory=list)
    every: str | None = None  # the full list (paginated, searchable, CSV) where there is one


class Names:
    """Enterprise and product names, each looked up once per page."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session, self.principal = session, principal
        self.enterprises: dict[int, str] = {}
        self.products: dict[int, tuple[str, str]] = {}

    async def preload(self, enterprise_ids: Iterable[int | None]) -> None:
        """Look the names of a whole page's enterprises up in one query."""
        wanted = {i for i in enterprise_ids if i is not None and i not in self.enterprises}
        found = await enterprise_service.names_by_id(self.session, self.principal, wanted)
        self.enterprises.update(found)

    async def enterprise(self, enterprise_id: int | None) -> str:
        if enterprise_id is None:
            return "—"
        if enterprise_id not in self.enterprises:
            found = await enterprise_service.get_readable(
                self.session, self.principal, enterprise_id
            )
            self.enterprises[enterprise_id] = found.name
        return self.enterprises[enterprise_id]

    async def product(self, product_id: int) -> tuple[str, str]:
        if product_id not in self.products:
            found = await registry_service.get_product(self.session, product_id)
            self.products[product_id] = (found.name_zh, found.name_en)
        return self.products[product_id]


async def _licence_queue(session: AsyncSession, principal: Principal, names: Names) -> Queue:
    page = PageParams(limit=SHOWN, offset=0)
    pending = LicenceStatus.PENDING
    found, total = await licence_service.list_undecided(session, principal, page)
    await names.preload(licence.enterprise_id for licence in found)
    items = []
    for licence in found:
        zh, en = await names.product(licence.product_id)
        area = licence.production_area_mu  # in the product's quota unit (mu, head, …)
        items.append(
            Item(
                await names.enterprise(licence.enterprise_id),
                (f"{zh} · 登记规模 {area}", f"{en} · registered {area}"),
                f"/console/licences/{licence.id}",
                licence.applied_at,
            )
        )
    title = ("待审核的许可证申请", "Licence applications")
    # The full list in the queue's order: oldest application first.
    every = f"/console/licences?status={pending.value}&sort=id"
    return Queue("licences", title, total, items=items, every=every)


async def _batch_queue(
    session: AsyncSession,
    principal: Principal,
    names: Names,
    status: BatchStatus,
    key: str,
    title: tuple[str, str],
    link: str,
) -> Queue:
    page = CursorParams(limit=SHOWN, offset=0)
    found = await label_service.list_readable(session, principal, page, status=status)
    await names.preload(batch.enterprise_id for batch in found.items)
    items = []
    for batch in found.items:
        zh, en = await names.product(batch.product_id)
        lot = f"{batch.lot_number} · {batch.quantity:,}"
        detail_zh, detail_en = (
            await _failed_inspection(session, principal, batch) if key == "suspended" else ("", "")
        )
        items.append(
            Item(
                await names.enterprise(batch.enterprise_id),
                (f"{zh} · 批号 {lot} 枚{detail_zh}", f"{en} · lot {lot} labels{detail_en}"),
                link.format(id=batch.id),
                batch.created_at,
            )
        )
    every = f"/console/batches?status={status.value}"
    return Queue(key, title, found.total, found.total_is_estimate, items, every)


async def _failed_inspection(
    session: AsyncSession, principal: Principal, batch: LabelBatch
) -> tuple[str, str]:
    """The report number of the failed inspection that suspended ``batch``, if recorded, and
    where its objection window stands (Chinese, English)."""
    page = PageParams(limit=1, offset=0)
    failed = InspectionResult.FAIL
    found, _ = await inspection_service.list_readable(
        session, principal, page, batch_id=batch.id, result=failed
    )
    if not found:
        return "", ""
    inspection = found[0]
    number, deadline = inspection.report_number, inspection.objection_deadline
    if inspection.stage is InspectionStage.PROVISIONAL:
        return f" · {number} · 异议期至 {deadline}", f" · {number} · objection window to {deadline}"
    if inspection.stage is InspectionStage.OBJECTED:
        return f" · {number} · 已提出异议，待复检", f" · {number} · objected, re-test awaited"
    return f" · {number} · 最终结果", f" · {number} · final"


async def _report_queue(session: AsyncSession, principal: Principal, names: Names) -> Queue:
    """The open reports, the soonest statutory deadline first (so the overdue lead)."""
    counts = await report_service.status_counts(session, principal)
    open_states = (ReportStatus.NEW, ReportStatus.INVESTIGATING)
    items: list[Item] = []
    page = PageParams(limit=SHOWN, offset=0)
    found, _ = await report_service.list_readable(session, principal, page, None, "due")
    now = clock.utcnow()
    for report in found:
        state = report.status
        due = report.accept_by if state is ReportStatus.NEW else report.finish_by
        late = ("已逾期 · ", "OVERDUE · ") if report.is_overdue(now) else ("", "")
        by = (f" · 期限 {due.isoformat()}", f" · due {due.isoformat()}") if due else ("", "")
        items.append(
            Item(
                await names.enterprise(report.enterprise_id),
                (
                    f"{late[0]}{state_name(state, 'zh')}{by[0]} · {report.what_was_seen[:60]}",
                    f"{late[1]}{state_name(state, 'en')}{by[1]} · {report.what_was_seen[:60]}",
                ),
                f"/console/reports/{report.id}",
                report.created_at,
            )
        )
    total = sum(counts[state] for state in open_states)
    return Queue(
        "reports",
        ("消费者举报（新收到/调查中）", "Consumer reports (new, investigating)"),
        total,
        items=items,
        every=f"/console/reports?status={ReportStatus.NEW.value}",
    )


async def _suspicious_queue(session: AsyncSession, names: Names) -> Queue:
    found = await listings.list_suspicious(session, CursorParams(limit=SHOWN, offset=0))
    await names.preload(code.enterprise_id for code in found.items)
    items = [
        Item(
            await names.enterprise(code.enterprise_id),
            (
                f"{code.code} · {code.reason or ''} · 查验 {code.scan_count} 次",
                f"{code.code} · {code.reason or ''} · {code.scan_count} checks",
            ),
            f"/console/batches/{code.batch_id}",
            code.flagged_at,
        )
        for code in found.items
    ]
    title = ("疑似仿冒的标签码", "Suspicious codes")
    every = "/console/scans/suspicious"
    return Queue("suspicious", title, found.total, found.total_is_estimate, items, every)


async def work_queues(session: AsyncSession, principal: Principal) -> list[Queue]:
    names = Names(session, principal)
    return [
        await _licence_queue(session, principal, names),
        await _batch_queue(
            session,
            principal,
            names,
            BatchStatus.REQUESTED,
            "batches",
            ("待审核的标签批次申请", "Batch requests"),
            "/console/batches/{id}/decision",
        ),
        await _report_queue(session, principal, names),
        await _suspicious_queue(session, names),
        await _batch_queue(
            session,
            principal,
            names,
            BatchStatus.SUSPENDED,
            "suspended",
            (
                "抽检不合格、已暂停待处理的批次",
                "Failed inspections: suspended batches awaiting a decision",
            ),
            "/console/batches/{id}",
        ),
    ]


@router.get("", response_class=HTMLResponse)
async def queues_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("console.queues")],
) -> HTMLResponse:
    return render(request, "queues.html", {"queues": await work_queues(session, principal)})
