"""A batch's page: its facts, its way to issue (``timeline``), its reconciliation, and what
the viewer may do with it next (print files, the labels, void); shared by the page itself and
by the print form, which shows the page again with its refusal next to the format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeal import service as appeal_service
from app.console import timeline
from app.console.decision_form import DecisionForm
from app.console.print_run_form import PrintRunForm
from app.console.templates import render
from app.core.permissions import can
from app.core.principal import Principal
from app.jobs import print_files
from app.label import replacement
from app.label import service as label_service
from app.label.models import BatchStatus
from app.label.printfile import PrintFormat
from app.licence import service as licence_service
from app.registry import service as registry_service
from app.supervision import ledger as ledger_service

Message = tuple[str, str]  # (Chinese, English)

FORMATS: tuple[tuple[PrintFormat, str, str], ...] = (
    (PrintFormat.PDF, "PDF（A4 标签页，直接打印）", "PDF (A4 sheets, ready to print)"),
    (PrintFormat.CSV, "CSV（交给印刷厂的码表）", "CSV (code list for a print shop)"),
    (PrintFormat.PNG, "PNG 图片（ZIP，每枚一张）", "PNG images (ZIP, one a label)"),
    (PrintFormat.SVG, "SVG 矢量图（ZIP，每枚一张）", "SVG vector images (ZIP, one a label)"),
)

# What the page says after a Post/Redirect/Get (``?done=...&n=...``).
DONE: dict[str, tuple[str, str]] = {
    "void": ("已作废 {n} 枚标签。", "{n} labels voided."),
    "unvoid": ("已恢复 {n} 枚标签。", "{n} labels back in use."),
    "print_run": ("已登记印制 {n} 枚。", "A print run of {n} labels recorded."),
    "replacement": (
        "已申请补发 {n} 枚标签：这是新批次。",
        "{n} replacement labels requested: this is the new batch.",
    ),
}


@dataclass
class PrintForm:
    format: str = PrintFormat.PDF.value
    errors: dict[str, Message] = field(default_factory=dict)


def _done_notice(request: Request) -> Message | None:
    words = DONE.get(request.query_params.get("done", ""))
    count = request.query_params.get("n", "")
    if words is None or not count.isdigit():
        return None
    return words[0].format(n=int(count)), words[1].format(n=int(count))


async def page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    batch_id: int,
    print_form: PrintForm | None = None,
    status: int = 200,
    form: DecisionForm | None = None,
    run_form: PrintRunForm | None = None,
) -> HTMLResponse:
    """The batch page; a regulator also sees the measures its standing allows (suspend an
    issued batch; clear or recall a suspended one), with ``form``'s values and errors."""
    batch = await label_service.get_readable(session, principal, batch_id)
    licence = await licence_service.get_readable(session, principal, batch.licence_id)
    context: dict[str, Any] = {
        "batch": batch,
        "licence": licence,
        "product": await registry_service.get_product(session, batch.product_id),
        "reconciliation": await label_service.reconcile(session, principal, batch.id),
        "steps": await timeline.steps(session, batch),
        "has_labels": batch.status in BatchStatus.on_market(),
        # Only an issued batch in good standing prints (``printjobs.prepare`` says so too).
        "may_print": batch.status is BatchStatus.ISSUED and can(principal, "print_file.request"),
        "may_void": batch.status in BatchStatus.live() and can(principal, "label.void"),
        "replacements": await replacement.replacements(session, principal, batch.id),
        "may_replace": batch.status is BatchStatus.ISSUED and can(principal, "batch.replace"),
        "print_runs": await ledger_service.print_runs_of_batch(session, principal, batch.id),
        "may_record_run": batch.status in BatchStatus.on_market()
        and can(principal, "print_run.record"),
        "run_form": run_form or PrintRunForm(),
        "formats": FORMATS,
        "print_form": print_form or PrintForm(),
        "notice": _done_notice(request),
        "may_suspend": batch.status is BatchStatus.ISSUED and can(principal, "batch.suspend"),
        "may_clear": batch.status is BatchStatus.SUSPENDED and can(principal, "batch.clear"),
        "may_recall": batch.status is BatchStatus.SUSPENDED and can(principal, "batch.recall"),
        "may_revoke": batch.status in BatchStatus.live() and can(principal, "revocation.create"),
        "form": form or DecisionForm(),
        "appeal_rights": await appeal_service.rights_of(
            session, principal, "label_batch", batch.id
        ),
        "print_jobs": [
            (job, print_files.status(job), PrintFormat(job.args["format"]))
            for job in await print_files.recent(session, principal, batch.id)
        ]
        if can(principal, "print_file.read")
        else [],
    }
    return render(request, "batch.html", context, status)
