"""The regulator's measures on an issued batch, from its page: suspend (while it is
investigated), clear (back to good standing) and recall (for good, published).

Each first shows what it will change, counted by the label repository
(``revoking.reach_of_batch``: one count query), then calls the API's service
(``app.label.standing``), so the same row lock, state checks, evidence rule and audit apply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console import batch_view
from app.console.deciding import Confirmation, confirm_then_decide
from app.console.decision_form import DecisionForm, Message
from app.console.deps import permit_console
from app.core.db import SessionDep
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.label import revoking, standing
from app.label import service as label_service
from app.label.schemas import RecallRequest, StandingChange

router = APIRouter(prefix="/console/batches", include_in_schema=False)


def _page(
    request: Request, session: AsyncSession, principal: Principal, batch_id: int, form: DecisionForm
) -> Callable[[int], Awaitable[Response]]:
    async def page(status: int) -> Response:
        return await batch_view.page(
            request, session, principal, batch_id, status=status, form=form
        )

    return page


async def _changes(
    session: AsyncSession, principal: Principal, batch_id: int, zh: str, en: str
) -> Message:
    """``zh`` / ``en`` filled with the batch's lot, enterprise, live labels and scanned ones."""
    batch = await label_service.get_readable(session, principal, batch_id)
    enterprise = await enterprise_service.get_readable(session, principal, batch.enterprise_id)
    reach = await revoking.reach_of_batch(session, batch.id)
    names = {"lot": batch.lot_number, "enterprise": enterprise.name}
    counts = {"live": f"{reach.live:,}", "scanned": f"{reach.scanned:,}"}
    return zh.format(**names, **counts), en.format(**names, **counts)


@router.post("/{batch_id}/suspend", response_class=HTMLResponse)
async def suspend_batch(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.suspend")],
    batch_id: int,
) -> Response:
    form = DecisionForm.from_form("suspend", await request.form(), ("reason",))
    here = f"/console/batches/{batch_id}"

    async def describe(data: StandingChange) -> Confirmation:
        changes = await _changes(
            session,
            principal,
            batch_id,
            "暂停 {enterprise} 的批次 {lot}：其 {live} 枚在用标签（其中 {scanned} 枚已被查验）"
            "查验结果将显示为“已暂停”，直至解除或召回。",
            "suspends lot {lot} of {enterprise}: its {live} live labels ({scanned} of them"
            " already scanned) will verify as suspended until it is cleared or recalled.",
        )
        return Confirmation(
            title=("暂停批次", "Suspend the batch"),
            changes=changes,
            button=("确认暂停", "Suspend the batch"),
            action=f"{here}/suspend",
            back=here,
            facts=[(("理由", "Reason"), data.reason)],
        )

    async def act(data: StandingChange) -> object:
        batch = await standing.get_batch_for_update(session, principal, batch_id)
        return await standing.suspend(session, principal, batch, data.reason)

    return await confirm_then_decide(
        request,
        session,
        form,
        form.validated(StandingChange),
        describe,
        act,
        _page(request, session, principal, batch_id, form),
        here,
    )


@router.post("/{batch_id}/clear", response_class=HTMLResponse)
async def clear_batch(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.clear")],
    batch_id: int,
) -> Response:
    form = DecisionForm.from_form("clear", await request.form(), ("reason",))
    here = f"/console/batches/{batch_id}"

    async def describe(data: StandingChange) -> Confirmation:
        changes = await _changes(
            session,
            principal,
            batch_id,
            "解除 {enterprise} 批次 {lot} 的暂停：其 {live} 枚在用标签（其中 {scanned} 枚已被"
            "查验）查验结果恢复为“真品”。",
            "clears lot {lot} of {enterprise}: its {live} live labels ({scanned} of them"
            " already scanned) will verify as genuine again.",
        )
        return Confirmation(
            title=("解除暂停", "Clear the batch"),
            changes=changes,
            button=("确认解除", "Clear the batch"),
            action=f"{here}/clear",
            back=here,
            facts=[(("理由", "Reason"), data.reason)],
        )

    return await confirm_then_decide(
        request,
        session,
        form,
        form.validated(StandingChange),
        describe,
        lambda data: standing.clear(session, principal, batch_id, data.reason),
        _page(request, session, principal, batch_id, form),
        here,
    )


@router.post("/{batch_id}/recall", response_class=HTMLResponse)
async def recall_batch(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.recall")],
    batch_id: int,
) -> Response:
    names = ("reason", "legal_basis", "case_number")
    form = DecisionForm.from_form("recall", await request.form(), names)
    here = f"/console/batches/{batch_id}"

    async def describe(data: RecallRequest) -> Confirmation:
        changes = await _changes(
            session,
            principal,
            batch_id,
            "召回 {enterprise} 的批次 {lot}（不可恢复，并公告）：其 {live} 枚在用标签"
            "（其中 {scanned} 枚已被查验）查验结果将显示为“已召回”。",
            "recalls lot {lot} of {enterprise} for good, and publishes it: its {live} live"
            " labels ({scanned} of them already scanned) will verify as recalled.",
        )
        return Confirmation(
            title=("召回批次", "Recall the batch"),
            changes=changes,
            button=("确认召回", "Recall the batch"),
            action=f"{here}/recall",
            back=here,
            facts=[
                (("理由", "Reason"), data.reason),
                (("法律依据", "Legal basis"), data.legal_basis),
                (("案件编号", "Case number"), data.case_number or ""),
            ],
        )

    return await confirm_then_decide(
        request,
        session,
        form,
        form.validated(RecallRequest, whole="case_number"),
        describe,
        lambda data: standing.recall(session, principal, batch_id, data),
        _page(request, session, principal, batch_id, form),
        here,
    )
