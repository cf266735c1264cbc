"""Revocations on the console: revoke a batch (found by its lot or its enterprise's name) or
single labels (codes pasted, or a CSV uploaded), with reason, legal basis and case number;
the list of revocations (keyset-paged, searched, CSV through ``listing``) and each one's page,
with its reversal.

Every act first shows what it will change ("revokes 2,400 labels of lot WY-2026-017; 312 of
them already scanned"), counted by the label repository, and is then carried out by the
API's service (``app.revocation.service``): the same checks, lock, audit event and notice."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, UploadFile

from app.console import code_list
from app.console.deciding import Confirmation, confirm_then_decide
from app.console.decision_form import DecisionForm
from app.console.deps import permit_console
from app.console.listing import ListSpec, csv_response, every_page
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import CursorParams, KeysetSlice
from app.core.permissions import can
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.label import service as label_service
from app.label.code import normalise
from app.label.models import BatchStatus
from app.registry import service as registry_service
from app.revocation import service as revocation_service
from app.revocation.models import Revocation
from app.revocation.schemas import Reversal, RevocationCreate

router = APIRouter(prefix="/console/revocations", include_in_schema=False)

GROUNDS = ("reason", "legal_basis", "case_number")
CANDIDATES = 20  # batches offered for one search


# --- the list, its CSV and one revocation's page --------------------------------------------


REVOCATION_LIST = ListSpec("/console/revocations", sorts=("-id", "id"), filters=("state",))
# ``?state=``: the revocations in force, or those reversed (anything else: all).
STATES = {"in_force": False, "reversed": True}
CSV_HEADER = (
    "id",
    "revoked_at",
    "enterprise",
    "scope",
    "licence",
    "lot",
    "labels",
    "case_number",
    "legal_basis",
    "reason",
    "reversed_at",
)


def _csv_line(r: Revocation, name: str, number: str | None, lot: str | None) -> tuple[Any, ...]:
    return (
        r.id,
        r.revoked_at.isoformat(),
        name,
        r.scope.value,
        number,
        lot,
        r.label_count,
        r.case_number,
        r.legal_basis,
        r.reason,
        r.reversed_at.isoformat() if r.reversed_at else None,
    )


@router.get("", response_class=HTMLResponse, response_model=None)
async def revocation_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("revocation.list")],
) -> Response:
    """Keyset pages of the caller's revocations (a licensee: those against it), searched by
    lot, case number, licence number or enterprise; the CSV has the same filter."""
    state = REVOCATION_LIST.read(request)

    async def fetch(page: CursorParams) -> KeysetSlice[tuple[Any, ...]]:
        reversed_ = STATES.get(state.filter("state"))
        return await revocation_service.list_named(
            session, principal, page, state.q or None, state.sort, reversed_
        )

    if state.wants_csv:
        rows = [_csv_line(*row) for row in await every_page(fetch)]
        return csv_response("revocations", CSV_HEADER, rows)
    found = await fetch(state.params())
    lines = [
        {"revocation": r, "enterprise": name, "licence": number, "lot": lot}
        for r, name, number, lot in found.items
    ]
    context = {
        "list": state,
        "found": found,
        "rows": lines,
        "may_create": can(principal, "revocation.create"),
    }
    return render(request, "revocations.html", context)


async def _detail_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    revocation_id: int,
    form: DecisionForm,
    status: int = 200,
) -> HTMLResponse:
    revocation, enterprise, licence, lot = await revocation_service.get_named(
        session, principal, revocation_id
    )
    context = {
        "revocation": revocation,
        "enterprise": enterprise,
        "licence_number": licence,
        "lot": lot,
        "may_reverse": revocation.reversed_at is None and can(principal, "revocation.reverse"),
        "form": form,
    }
    return render(request, "revocation.html", context, status)


@router.get("/new", response_class=HTMLResponse)
async def revocation_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("revocation.create")],
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    form = DecisionForm(kind="batch", values={"q": q.strip()})
    return await _form_page(request, session, principal, form, DecisionForm(), 200)


@router.get("/{revocation_id}", response_class=HTMLResponse)
async def revocation_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("revocation.read")],
    revocation_id: int,
) -> HTMLResponse:
    return await _detail_page(request, session, principal, revocation_id, DecisionForm())


@router.post("/{revocation_id}/reverse", response_class=HTMLResponse)
async def reverse_revocation(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("revocation.reverse")],
    revocation_id: int,
) -> Response:
    form = DecisionForm.from_form("reverse", await request.form(), ("reason",))
    here = f"/console/revocations/{revocation_id}"

    async def describe(data: Reversal) -> Confirmation:
        revocation, enterprise, _licence, lot = await revocation_service.get_named(
            session, principal, revocation_id
        )
        what_zh = f"批次 {lot}" if lot else enterprise
        what_en = f"lot {lot}" if lot else enterprise
        count = f"{revocation.label_count:,}"
        return Confirmation(
            title=("撤回吊销", "Reverse the revocation"),
            changes=(
                f"撤回案件 {revocation.case_number} 的吊销（{what_zh}）：恢复其吊销的 {count} 枚"
                "标签（此后被作废或另行吊销的除外），并公告。",
                f"reverses the revocation of case {revocation.case_number} ({what_en}):"
                f" restores the {count} labels it revoked (except those voided or revoked"
                " since), and publishes it.",
            ),
            button=("确认撤回", "Reverse the revocation"),
            action=f"{here}/reverse",
            back=here,
            facts=[(("理由", "Reason"), data.reason)],
        )

    async def page(status: int) -> Response:
        return await _detail_page(request, session, principal, revocation_id, form, status)

    return await confirm_then_decide(
        request,
        session,
        form,
        form.validated(Reversal),
        describe,
        lambda data: revocation_service.reverse(session, principal, revocation_id, data.reason),
        page,
        here,
    )


# --- revoking: the page with its two forms --------------------------------------------------


async def _candidates(session: AsyncSession, principal: Principal, q: str) -> list[dict[str, Any]]:
    """The live batches matching ``q`` (lot, enterprise name or USCC, product, or a code of
    the batch), named as a person knows them."""
    if not q:
        return []
    found = []
    for status in sorted(BatchStatus.live()):
        params = CursorParams(limit=CANDIDATES, offset=0)
        page = await label_service.list_readable(session, principal, params, status=status, q=q)
        found.extend(page.items)
    choices = []
    for batch in sorted(found, key=lambda b: b.id, reverse=True)[:CANDIDATES]:
        enterprise = await enterprise_service.get_readable(session, principal, batch.enterprise_id)
        product = await registry_service.get_product(session, batch.product_id)
        choices.append(
            {
                "id": str(batch.id),
                "lot": batch.lot_number,
                "enterprise": enterprise.name,
                "product": (product.name_zh, product.name_en),
                "status": batch.status.value,
                "quantity": batch.quantity,
            }
        )
    return choices


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    batch_form: DecisionForm,
    codes_form: DecisionForm,
    status: int,
) -> HTMLResponse:
    q = batch_form.values.get("q", "")
    context = {
        "batch_form": batch_form,
        "codes_form": codes_form,
        "q": q,
        "candidates": await _candidates(session, principal, q),
    }
    return render(request, "revocation_new.html", context, status)


def _to_detail(result: object) -> str:
    assert isinstance(result, Revocation)
    return f"/console/revocations/{result.id}"


@router.post("/batch", response_class=HTMLResponse)
async def revoke_batch(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("revocation.create")],
) -> Response:
    form = DecisionForm.from_form("batch", await request.form(), ("q", "batch_id", *GROUNDS))

    async def page(status: int) -> Response:
        return await _form_page(request, session, principal, form, DecisionForm(), status)

    async def describe(data: RevocationCreate) -> Confirmation:
        batch_id = data.batch_id or 0
        batch = await label_service.get_readable(session, principal, batch_id)
        enterprise = await enterprise_service.get_readable(session, principal, batch.enterprise_id)
        reach = await revocation_service.preview_batch(session, principal, batch_id)
        return Confirmation(
            title=("吊销批次", "Revoke a batch"),
            changes=(
                f"吊销 {enterprise.name} 批次 {batch.lot_number} 的 {reach.live:,} 枚标签；"
                f"其中 {reach.scanned:,} 枚已被查验。",
                f"revokes {reach.live:,} labels of lot {batch.lot_number} ({enterprise.name});"
                f" {reach.scanned:,} of them already scanned.",
            ),
            button=("确认吊销", "Revoke the batch"),
            action="/console/revocations/batch",
            back="/console/revocations/new",
            facts=_grounds_facts(data),
        )

    data = form.validated(RevocationCreate, extra={"scope": "batch"}, whole="batch_id")
    return await confirm_then_decide(
        request,
        session,
        form,
        data,
        describe,
        lambda data: revocation_service.revoke_batch(session, principal, data.batch_id or 0, data),
        page,
        _to_detail,
    )


def _grounds_facts(data: RevocationCreate) -> list[tuple[tuple[str, str], str]]:
    return [
        (("理由", "Reason"), data.reason),
        (("法律依据", "Legal basis"), data.legal_basis),
        (("案件编号", "Case number"), data.case_number),
    ]


class CodesForm(DecisionForm):
    """The codes form: a refusal that names codes is shown by the line each came from."""

    listed: code_list.CodeList | None = None

    def refuse(self, exc: DomainError) -> None:
        codes = exc.extra.get("codes")
        if codes and self.listed is not None:
            self._unknown(codes)
        elif exc.status == 422:  # the one other refusal of a list: several enterprises
            self.errors["codes"] = (
                "一次吊销只能针对一家企业的标签，请按企业拆分清单。",
                "One revocation covers the labels of one enterprise: split the list.",
            )
        elif exc.status == 409:
            self.errors["codes"] = (
                "这些标签均已作废或已吊销，没有可吊销的标签。",
                "None of these labels is active: there is nothing to revoke.",
            )
        else:
            super().refuse(exc)

    def _unknown(self, codes: list[str]) -> None:
        assert self.listed is not None
        lines = [f"{self.listed.line_of(c) or '?'}: {c}" for c in codes[:20]]
        self.errors["codes"] = (
            "以下标签码未发放（行号：标签码）：" + "；".join(lines),
            "These codes were never issued (line: code): " + "; ".join(lines),
        )


async def _codes_text(form: FormData) -> tuple[str, bool]:
    """The codes as text: the uploaded file's if one was chosen, else the pasted ones;
    (text, whether it could be read)."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(code_list.MAX_CODES * 64)
        text = code_list.decode(raw)
        return (text, True) if text is not None else ("", False)
    pasted = form.get("codes")
    return (pasted if isinstance(pasted, str) else ""), True


def _bad_lines(listed: code_list.CodeList) -> tuple[str, str]:
    shown = "；".join(f"{n}: {typed or '—'}" for n, typed in listed.bad[:20])
    more = len(listed.bad) - 20
    more_zh = f"（另有 {more} 行）" if more > 0 else ""
    more_en = f" (and {more} more)" if more > 0 else ""
    shown_en = "; ".join(f"{n}: {typed or '—'}" for n, typed in listed.bad[:20])
    return (
        f"这些行不是有效的标签码（行号：内容），未吊销任何标签：{shown}{more_zh}",
        f"These lines are not label codes (line: content); nothing was revoked: "
        f"{shown_en}{more_en}",
    )


@router.post("/codes", response_class=HTMLResponse)
async def revoke_codes(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("revocation.create")],
) -> Response:
    raw = await request.form()
    text, readable = await _codes_text(raw)
    listed = code_list.parse(text)
    form = CodesForm.from_form("codes", raw, GROUNDS)
    assert isinstance(form, CodesForm)
    form.listed = listed
    form.values["codes"] = text.strip()

    async def page(status: int) -> Response:
        return await _form_page(request, session, principal, DecisionForm(), form, status)

    if not readable:
        form.errors["codes"] = ("文件不是文本（CSV）文件。", "The file is not a text (CSV) file.")
    elif listed.bad:
        form.errors["codes"] = _bad_lines(listed)
    elif len(listed.codes) > code_list.MAX_CODES:
        form.errors["codes"] = (
            f"一次最多吊销 {code_list.MAX_CODES:,} 枚标签，请拆分清单。",
            f"At most {code_list.MAX_CODES:,} labels per revocation: split the list.",
        )
    elif not listed.codes:
        form.errors["codes"] = ("请粘贴或上传标签码。", "Paste or upload the label codes.")
    if form.errors:
        form.validated(RevocationCreate, extra={"scope": "labels", "codes": ["x"]})
        return await page(422)
    form.values["codes"] = "\n".join(listed.codes)  # carried clean to the confirmation

    async def describe(data: RevocationCreate) -> Confirmation:
        target = await revocation_service.preview_labels(session, data.codes or [])
        enterprise = await enterprise_service.get_readable(session, principal, target.enterprise_id)
        if len(target.batch_ids) == 1:
            batch = await label_service.get_readable(
                session, principal, next(iter(target.batch_ids))
            )
            of_zh, of_en = f"批次 {batch.lot_number}", f"lot {batch.lot_number}"
        else:
            count = len(target.batch_ids)
            of_zh, of_en = f"{count} 个批次", f"{count} lots"
        live, scanned = f"{target.reach.live:,}", f"{target.reach.scanned:,}"
        skipped = len({normalise(c) for c in data.codes or []}) - len(target.active)
        return Confirmation(
            title=("吊销标签", "Revoke labels"),
            changes=(
                f"吊销 {enterprise.name} {of_zh} 的 {live} 枚标签；其中 {scanned} 枚已被查验。"
                + (f"另有 {skipped} 枚已作废或已吊销，保持不变。" if skipped else ""),
                f"revokes {live} labels of {of_en} ({enterprise.name}); {scanned} of them"
                " already scanned."
                + (
                    f" {skipped} more are void or revoked already and stay so."
                    if skipped > 0
                    else ""
                ),
            ),
            button=("确认吊销", "Revoke the labels"),
            action="/console/revocations/codes",
            back="/console/revocations/new",
            facts=_grounds_facts(data),
        )

    data = form.validated(RevocationCreate, extra={"scope": "labels", "codes": listed.codes})
    return await confirm_then_decide(
        request,
        session,
        form,
        data,
        describe,
        lambda data: revocation_service.revoke_labels(session, principal, data.codes or [], data),
        page,
        _to_detail,
    )
