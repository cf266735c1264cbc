"""Public notices (一公开): HTML, Chinese first with an English switch, and the JSON twin."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from app.core.db import SessionDep
from app.core.notices import NoticeKind
from app.core.pagination import Page, PageDep
from app.core.permissions import PUBLIC
from app.notice import checkpoints, service
from app.notice.display import item_texts
from app.notice.schemas import NoticeRead
from app.web.templates import render

router = APIRouter(tags=["public"], dependencies=[PUBLIC])

KIND_NAMES = {
    "plan": ("双随机抽查计划", "Random inspection plan"),
    "inspection": ("抽检结果", "Inspection result"),
    "recall": ("召回", "Recall"),
    "revocation": ("撤销标志", "Revocation of marks"),
    "revocation_reversed": ("撤销决定已撤回", "Revocation reversed"),
    "licence_withdrawal": ("撤销使用资格", "Licence withdrawn"),
    "audit_checkpoint": ("审计链检查点", "Audit ledger checkpoint"),
}
RESULT_NAMES = {"pass": ("合格", "pass"), "fail": ("不合格", "fail")}


async def notice_filter(
    q: Annotated[
        str | None,
        Query(max_length=100, description="enterprise, USCC, product, lot, report or case number"),
    ] = None,
    kind: NoticeKind | None = None,
    product_id: int | None = None,
    since: Annotated[date | None, Query(description="published on or after")] = None,
    until: Annotated[date | None, Query(description="published before")] = None,
) -> service.NoticeFilter:
    return service.NoticeFilter(
        q=q.strip() if q and q.strip() else None,
        kind=kind,
        product_id=product_id,
        since=since,
        until=until,
    )


FilterDep = Annotated[service.NoticeFilter, Depends(notice_filter)]


async def _page(
    session: SessionDep, filters: service.NoticeFilter, page: PageDep
) -> Page[NoticeRead]:
    rows, total = await service.list_notices(session, filters, page)
    items = [NoticeRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/api/v1/public/notices")
async def notices_json(session: SessionDep, filters: FilterDep, page: PageDep) -> Page[NoticeRead]:
    """Published plans (with their seed), inspection results, recalls, revocations, licence
    withdrawals and the daily audit checkpoint (``detail``: seq, hash, taken_at), newest first."""
    return await _page(session, filters, page)


@router.get("/public/notices", response_class=HTMLResponse)
async def notices_html(
    request: Request, session: SessionDep, filters: FilterDep, page: PageDep
) -> HTMLResponse:
    result = await _page(session, filters, page)
    context = {
        "page": result,
        "filters": filters,
        "kinds": KIND_NAMES,
        "results": RESULT_NAMES,
        "q": filters.q or "",
        "item_texts": item_texts,
        "local_day": checkpoints.local_day,
        "local_time": checkpoints.local_time,
    }
    return render(request, "notices.html", context)
