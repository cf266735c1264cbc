"""The regulator's measures on a licence, from its page: suspend, reinstate, withdraw.

Suspending and withdrawing are destructive, so each first shows what it will change, counted
by the label repository (``revoking.reach_of_licence``: one count query, no rows loaded); the
act itself is the API's service (``licence_service.suspend`` / ``reinstate``, and
``withdrawal.withdraw_licence``, which also revokes the labels when asked)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deciding import Confirmation, confirm_then_decide
from app.console.decision_form import DecisionForm
from app.console.decisions import show_licence
from app.console.deps import permit_console
from app.console.form_flow import decide
from app.core.db import SessionDep
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.label import revoking
from app.licence import service as licence_service
from app.licence.schemas import LicenceDecision, LicenceWithdraw
from app.revocation import withdrawal

router = APIRouter(prefix="/console/licences", include_in_schema=False)


async def _named(session: AsyncSession, principal: Principal, licence_id: int) -> tuple[str, str]:
    """(the licence's number, its enterprise's name): how the confirmation names them."""
    licence = await licence_service.get_readable(session, principal, licence_id)
    enterprise = await enterprise_service.get_readable(session, principal, licence.enterprise_id)
    return licence.number or f"#{licence.id}", enterprise.name


def _page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    licence_id: int,
    form: DecisionForm,
) -> Callable[[int], Awaitable[Response]]:
    """The licence page again, with ``form``'s values and errors."""

    async def page(status: int) -> Response:
        return await show_licence(request, session, principal, licence_id, form, status)

    return page


@router.post("/{licence_id}/suspend", response_class=HTMLResponse)
async def suspend_licence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.suspend")],
    licence_id: int,
) -> Response:
    form = DecisionForm.from_form("suspend", await request.form(), ("reason",))
    here = f"/console/licences/{licence_id}"

    async def describe(data: LicenceDecision) -> Confirmation:
        number, enterprise = await _named(session, principal, licence_id)
        reach = await revoking.reach_of_licence(session, licence_id)
        return Confirmation(
            title=("暂停许可证", "Suspend the licence"),
            changes=(
                f"暂停 {enterprise} 的许可证 {number}：在恢复之前不能申请新批次，"
                f"其 {reach.live:,} 枚在用标签（其中 {reach.scanned:,} 枚已被查验）"
                "查验结果将显示为“已暂停”。",
                f"suspends licence {number} of {enterprise}: no batch can be requested until"
                f" it is reinstated, and its {reach.live:,} live labels ({reach.scanned:,} of"
                " them already scanned) will verify as suspended.",
            ),
            button=("确认暂停", "Suspend the licence"),
            action=f"{here}/suspend",
            back=here,
            facts=[(("理由", "Reason"), data.reason)],
        )

    return await confirm_then_decide(
        request,
        session,
        form,
        form.validated(LicenceDecision),
        describe,
        lambda data: licence_service.suspend(session, principal, licence_id, data),
        _page(request, session, principal, licence_id, form),
        here,
    )


@router.post("/{licence_id}/reinstate", response_class=HTMLResponse)
async def reinstate_licence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.reinstate")],
    licence_id: int,
) -> Response:
    """Not destructive (it gives back what a suspension took): acts at once."""
    form = DecisionForm.from_form("reinstate", await request.form(), ("reason",))
    return await decide(
        session,
        form,
        form.validated(LicenceDecision),
        lambda data: licence_service.reinstate(session, principal, licence_id, data),
        _page(request, session, principal, licence_id, form),
        f"/console/licences/{licence_id}",
    )


WITHDRAW_FIELDS = ("reason", "legal_basis", "case_number", "revoke_labels")


@router.post("/{licence_id}/withdraw", response_class=HTMLResponse)
async def withdraw_licence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.withdraw")],
    licence_id: int,
) -> Response:
    form = DecisionForm.from_form("withdraw", await request.form(), WITHDRAW_FIELDS)
    here = f"/console/licences/{licence_id}"

    async def describe(data: LicenceWithdraw) -> Confirmation:
        number, enterprise = await _named(session, principal, licence_id)
        await licence_service.lock_withdrawable(session, principal, licence_id)  # or its 409
        reach = await revoking.reach_of_licence(session, licence_id)
        if data.revoke_labels:
            labels = (
                f"吊销其全部 {reach.live:,} 枚在用标签，其中 {reach.scanned:,} 枚已被查验。",
                f"revokes its {reach.live:,} live labels, {reach.scanned:,} of them already"
                " scanned.",
            )
        else:
            labels = (
                f"其 {reach.live:,} 枚在用标签（其中 {reach.scanned:,} 枚已被查验）仍合法流通。",
                f"its {reach.live:,} live labels ({reach.scanned:,} of them already scanned)"
                " stay lawful in circulation.",
            )
        return Confirmation(
            title=("撤销许可证", "Withdraw the licence"),
            changes=(
                f"撤销 {enterprise} 的许可证 {number}（不可恢复，并公告）；{labels[0]}",
                f"withdraws licence {number} of {enterprise} (for good, and published);"
                f" {labels[1]}",
            ),
            button=("确认撤销", "Withdraw the licence"),
            action=f"{here}/withdraw",
            back=here,
            facts=[
                (("理由", "Reason"), data.reason),
                (("法律依据", "Legal basis"), data.legal_basis),
                (("案件编号", "Case number"), data.case_number),
            ],
        )

    return await confirm_then_decide(
        request,
        session,
        form,
        form.validated(LicenceWithdraw),
        describe,
        lambda data: withdrawal.withdraw_licence(session, principal, licence_id, data),
        _page(request, session, principal, licence_id, form),
        here,
    )
