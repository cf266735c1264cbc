"""``/console/statistics``: the bureau's figures with their charts (SVG drawn on the server,
``app.statistics.charts``), each chart's numbers in a table beside it, the filters (product,
division, period), the roll-up's "as of", and the annual report's downloads.

The figures come from ``app.statistics.service.overview``, the call ``GET /api/v1/stats``
makes; a filter the service refuses is shown next to its field, with what was typed kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from app.console.deps import permit_console
from app.console.templates import console_lang, render
from app.console.wording import state_name
from app.core.db import SessionDep
from app.core.errors import Unprocessable
from app.core.permissions import can
from app.core.principal import Principal
from app.core.time import public_today
from app.statistics import annual, service
from app.statistics.charts import Series, bar_chart, line_chart
from app.statistics.exceptions import BadFilter

router = APIRouter(prefix="/console/statistics", include_in_schema=False)

VERDICT_NAMES = {  # app.verification.verdicts.Verdict, and the roll-up's "unrecorded"
    "genuine": ("正品", "Genuine"),
    "not_active": ("未激活", "Not active"),
    "genuine_licence_withdrawn": ("正品（许可已撤回）", "Genuine, licence withdrawn"),
    "suspect_clone": ("疑似复制", "Suspected copy"),
    "suspended": ("批次暂停", "Batch suspended"),
    "mismatch": ("链接与标签不符", "Link does not match label"),
    "recalled": ("批次召回", "Batch recalled"),
    "revoked": ("已撤销", "Revoked"),
    "void": ("已作废", "Void"),
    "malformed": ("格式错误", "Malformed"),
    "unknown": ("查无此码", "Unknown code"),
    "unrecorded": ("结果未留存", "Verdict not kept"),  # scans older than the statistics
}


@dataclass
class Chart:
    key: str
    title: tuple[str, str]
    svg: Markup
    header: list[tuple[str, str]]
    rows: list[list[Any]]
    note: tuple[str, str] | None = None


def _name(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = names.get(key)
    return (pair[0] if lang == "zh" else pair[1]) if pair else key


def _charts(figures: service.Statistics, lang: str) -> list[Chart]:
    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    labels, scans = figures.labels, figures.scans
    months = labels.months
    kinds = [("issued", t("发放", "Issued")), ("void", t("作废", "Voided"))]
    kinds.append(("revoked", t("撤销", "Revoked")))
    label_series = [Series(name, [labels.per_month[k][m] for m in months]) for k, name in kinds]
    scan_series = [
        Series(t("扫码", "Scans"), [scans.per_month[m] for m in months]),
        Series(t("疑似复制", "Suspected copies"), [scans.clones_per_month[m] for m in months]),
    ]
    regions = list(scans.by_region.items())
    region_names = [service.division_name(code)[0 if lang == "zh" else 1] for code, _ in regions]
    verdicts = list(scans.by_verdict.items())
    verdict_names = [_name(VERDICT_NAMES, v, lang) for v, _ in verdicts]
    inspections, reports, licences = figures.inspections, figures.reports, figures.licences
    report_states = list(reports.by_status.items())
    licence_states = [(s, n) for s, n in licences.by_state.items() if n]
    return [
        Chart(
            "labels",
            ("每月标签", "Labels per month"),
            bar_chart("chart-labels", t("每月标签", "Labels per month"), months, label_series),
            [("月份", "Month"), ("发放", "Issued"), ("作废", "Voided"), ("撤销", "Revoked")],
            [[m, *(labels.per_month[k][m] for k, _ in kinds)] for m in months],
        ),
        Chart(
            "scans",
            ("每月扫码与疑似复制", "Scans and suspected copies per month"),
            line_chart("chart-scans", t("每月扫码", "Scans per month"), months, scan_series),
            [("月份", "Month"), ("扫码", "Scans"), ("疑似复制", "Suspected copies")],
            [[m, scans.per_month[m], scans.clones_per_month[m]] for m in months],
        ),
        Chart(
            "verdicts",
            ("扫码结果", "Scans by verdict"),
            bar_chart(
                "chart-verdicts",
                t("扫码结果", "Scans by verdict"),
                verdict_names,
                [Series(t("扫码", "Scans"), [n for _, n in verdicts])],
            ),
            [("结果", "Verdict"), ("次数", "Scans")],
            [[name, n] for name, (_, n) in zip(verdict_names, verdicts, strict=True)],
        ),
        Chart(
            "regions",
            ("扫码地区", "Scans by region"),
            bar_chart(
                "chart-regions",
                t("扫码地区", "Scans by region"),
                region_names,
                [Series(t("扫码", "Scans"), [n for _, n in regions])],
            ),
            [("地区", "Region"), ("次数", "Scans")],
            [[name, n] for name, (_, n) in zip(region_names, regions, strict=True)],
            (
                "仅统计消费者自愿分享位置的扫码；无法对应到行政区划的记为“未知”。",
                "Only scans whose shopper chose to share a location; a location no division "
                "matches counts as unknown.",
            ),
        ),
        Chart(
            "inspections",
            ("监督抽检", "Inspections"),
            bar_chart(
                "chart-inspections",
                t("监督抽检结果", "Inspection results"),
                [t("合格", "Passed"), t("不合格", "Failed")],
                [Series(t("抽检", "Inspections"), [inspections.passed, inspections.failed])],
            ),
            [("项目", "Figure"), ("数值", "Value")],
            [
                [t("抽检次数", "Inspections"), inspections.count],
                [t("合格", "Passed"), inspections.passed],
                [t("合格率", "Pass rate"), _pct(inspections.pass_rate)],
                [t("期内发放批次", "Batches issued"), inspections.batches_issued],
                [t("其中已抽检", "of which inspected"), inspections.batches_inspected],
                [t("覆盖率", "Coverage"), _pct(inspections.coverage)],
            ],
        ),
        Chart(
            "reports",
            ("消费者举报", "Consumer reports"),
            bar_chart(
                "chart-reports",
                t("举报状态", "Reports by status"),
                [state_name(s, lang) for s, _ in report_states],
                [Series(t("举报", "Reports"), [n for _, n in report_states])],
            ),
            [("项目", "Figure"), ("数值", "Value")],
            [
                *([state_name(s, lang), n] for s, n in report_states),
                [t("首次响应中位数（小时）", "Median first response (h)"), _h(reports, True)],
                [t("办结中位数（小时）", "Median resolution (h)"), _h(reports, False)],
                [t("按期受理", "Accepted in time (7 working days)"), reports.accepted_on_time],
                [t("逾期受理", "Accepted late"), reports.accepted_late],
                [t("按期办结", "Finished in time"), reports.finished_on_time],
                [t("逾期办结", "Finished late"), reports.finished_late],
                [t("当前已逾期未办结", "Open and overdue now"), reports.overdue],
            ],
        ),
        Chart(
            "licences",
            ("许可", "Licences"),
            bar_chart(
                "chart-licences",
                t("许可状态", "Licences by state"),
                [state_name(s, lang) for s, _ in licence_states],
                [Series(t("许可", "Licences"), [n for _, n in licence_states])],
            ),
            [("项目", "Figure"), ("数值", "Value")],
            [
                *([state_name(s, lang), n] for s, n in licence_states),
                [t("期内新增", "Granted in period"), licences.new],
                [t("期内撤回", "Withdrawn in period"), licences.withdrawn],
            ],
        ),
    ]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _h(reports: service.ReportFigures, first: bool) -> str:
    value = reports.median_first_response_hours if first else reports.median_resolution_hours
    return "—" if value is None else f"{value:.1f}"


def _parse(
    query: dict[str, str], principal: Principal
) -> tuple[service.Filters | None, dict[str, str]]:
    """The filters from the form's fields, or the refusals by field."""
    errors: dict[str, str] = {}
    today = public_today()

    def day(field: str, default: date) -> date:
        raw = query.get(field, "").strip()
        if not raw:
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[field] = "日期格式应为 YYYY-MM-DD / a date is YYYY-MM-DD"
            return default

    end = day("to", today)
    start = day("from", date(end.year, 1, 1))
    product_raw = query.get("product_id", "").strip()
    product_id = int(product_raw) if product_raw.isdigit() else None
    division = query.get("division", "").strip() or None
    if errors:
        return None, errors
    try:
        division = principal.division_for_figures(division)
        return service.Filters(start, end, product_id, division), {}
    except BadFilter as refused:
        return None, {refused.field: refused.detail}
    except Unprocessable as refused:  # a division outside the bureau's jurisdiction
        return None, {"division": refused.detail}


@router.get("", response_class=HTMLResponse)
async def statistics_page(
    request: Request,
    principal: Annotated[Principal, permit_console("statistics.read")],
    session: SessionDep,
) -> HTMLResponse:
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    filters, errors = _parse(query, principal)
    if filters is not None and filters.division and not query.get("division"):
        query["division"] = filters.division  # the bureau's own: the form says what is shown
    products = await service.product_names(session)
    context: dict[str, Any] = {
        "query": query,
        "errors": errors,
        "products": products,
        "figures": None,
        "charts": [],
        "may_download": can(principal, "statistics.annual_report"),
    }
    if filters is not None and (filters.product_id is None or filters.product_id in products):
        figures = await service.overview(session, filters)
        context.update(figures=figures, charts=_charts(figures, console_lang(request)))
    elif filters is not None:
        context["errors"] = {"product_id": "没有这个产品 / no such product"}
    status = 422 if context["errors"] else 200
    return render(request, "statistics.html", context, status_code=status)


@router.get("/annual-report")
async def annual_report_download(
    principal: Annotated[Principal, permit_console("statistics.annual_report")],
    session: SessionDep,
    product_id: int,
    year: int,
    division: str | None = None,
    format: str = "pdf",
) -> Response:
    """The annual report's file, as ``GET /api/v1/stats/annual-report`` gives it, for the
    signed-in console (whose session is a cookie, not the API's bearer token)."""
    division = principal.division_for_figures(division or None)
    chosen = service.Filters.year(year, product_id, division)
    report = await annual.gather(session, chosen)
    if format == "xlsx":
        body, media_type = annual.xlsx(report), annual.XLSX_MEDIA_TYPE
    else:
        body, media_type = annual.pdf(report), "application/pdf"
    name = annual.filename(report, "xlsx" if format == "xlsx" else "pdf")
    disposition = f'attachment; filename="{name}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
