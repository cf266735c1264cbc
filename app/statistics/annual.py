"""The annual report of a product (optionally a division) for a year, as one PDF and one XLSX
with the same content: the figures, the inspections and their results, the enforcement acts
(revocations, recalls, licence withdrawals), the consumer reports and their handling, and a
signature and seal block, so the bureau can file it upward as it is.

The mark-use rate and the roster coverage come from the supervision domain's one definition
(``app.statistics.use_rate``); a report not narrowed to one product says so in place of the
rate, never a number.

The PDF uses the label sheets' font (STSong-Light, which every PDF reader ships, see
``app.label.printing.fonts``); the XLSX is written with openpyxl.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import public_datetime, utcnow
from app.label.printing.fonts import CJK_FONT
from app.registry import service as registry_service
from app.statistics import service

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
USE_RATE_PENDING = "专用标志使用率按单一产品、整年计算；本报告未限定产品，故不列示。"
RESULT_NAMES = {"pass": "合格", "fail": "不合格"}
STATUS_NAMES = {
    "new": "待处理",
    "investigating": "调查中",
    "resolved": "已办结",
    "dismissed": "不予受理",
}
LICENCE_NAMES = {
    "pending": "审核中",
    "endorsed": "协会已背书",
    "active": "有效",
    "suspended": "暂停",
    "withdrawn": "撤回",
    "rejected": "不予许可",
    "expired": "过期",
}
SCOPE_NAMES = {"licence": "许可", "batch": "批次", "labels": "标签"}


@dataclass
class AnnualReport:
    year: int
    product_code: str
    product_name: str
    division: str | None
    division_name: str | None
    figures: service.Statistics
    revocations: list[tuple[Any, ...]]
    recalls: list[tuple[Any, ...]]
    generated_at: datetime

    @property
    def title(self) -> str:
        where = f"（{self.division_name}）" if self.division_name else ""
        return f"{self.product_name}{where}地理标志专用标志使用监管年度报告（{self.year}年）"


async def gather(session: AsyncSession, filters: service.Filters) -> AnnualReport:
    assert filters.product_id is not None
    product = await registry_service.get_product(session, filters.product_id)
    figures = await service.overview(session, filters)
    enterprises = await service.enterprises_in(session, filters)
    start, end = filters.instants
    return AnnualReport(
        year=filters.start.year,
        product_code=product.code,
        product_name=product.name_zh,
        division=filters.division,
        division_name=service.division_name(filters.division)[0] if filters.division else None,
        figures=figures,
        revocations=await service.revocations(session, filters, enterprises, start, end),
        recalls=await service.recalls(session, filters, enterprises, start, end),
        generated_at=utcnow(),
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} 小时"


def _day(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{public_datetime(value):%Y-%m-%d}"
    return str(value)


def summary(report: AnnualReport) -> list[tuple[str, str]]:
    """The figures as (item, value) rows: the first table of both files."""
    f = report.figures
    rate = f.use_rate
    rows = [
        ("统计期间", f"{f.filters.start} 至 {f.filters.end}"),
        ("数据截至", _day(f.as_of) if f.as_of else "尚未汇总"),
    ]
    if rate is None:
        rows.append(("专用标志使用率", USE_RATE_PENDING))
    else:
        rows += [
            ("名录内在营主体", str(rate.active)),
            ("使用专用标志的主体", str(rate.used)),
            ("专用标志使用率", f"{_pct(rate.rate)}（目标 {_pct(rate.target)}）"),
            ("出口企业使用率", _pct(rate.exporter_rate)),
        ]
    rows += [
        ("发放标签（枚）", f"{f.labels.totals['issued']:,}"),
        ("作废标签（枚）", f"{f.labels.totals['void']:,}"),
        ("撤销标签（枚）", f"{f.labels.totals['revoked']:,}"),
        ("扫码查验（次）", f"{f.scans.total:,}"),
        ("疑似复制标签（个）", f"{f.scans.clones:,}"),
        ("监督抽检（次）", str(f.inspections.count)),
        ("抽检合格率", _pct(f.inspections.pass_rate)),
        (
            "批次抽检覆盖率",
            f"{_pct(f.inspections.coverage)}（{f.inspections.batches_inspected}/"
            f"{f.inspections.batches_issued} 批）",
        ),
        ("消费者举报（件）", str(f.reports.filed)),
        ("首次响应时间中位数", _hours(f.reports.median_first_response_hours)),
        ("办结时间中位数", _hours(f.reports.median_resolution_hours)),
        (
            "法定期限（工作日）",
            f"按期受理 {f.reports.accepted_on_time}，逾期受理 {f.reports.accepted_late}；"
            f"按期办结 {f.reports.finished_on_time}，逾期办结 {f.reports.finished_late}；"
            f"当前逾期未办结 {f.reports.overdue}",
        ),
        ("新增许可（件）", str(f.licences.new)),
        ("撤回许可（件）", str(f.licences.withdrawn)),
        (
            "许可现状",
            "，".join(
                f"{LICENCE_NAMES.get(state, state)} {n}"
                for state, n in f.licences.by_state.items()
                if n
            )
            or "无",
        ),
    ]
    return rows


def tables(report: AnnualReport) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of every table after the summary, shared by PDF and XLSX."""
    f = report.figures
    months = [
        [
            m,
            str(f.labels.per_month["issued"][m]),
            str(f.labels.per_month["void"][m]),
            str(f.labels.per_month["revoked"][m]),
            str(f.scans.per_month[m]),
            str(f.scans.clones_per_month[m]),
        ]
        for m in f.labels.months
    ]
    inspections = [
        [_day(on), name, lot, lab, number, RESULT_NAMES.get(result, result)]
        for _i, on, result, name, lot, number, lab in f.inspections.rows
    ]
    enforcement = [
        [
            _day(at),
            f"撤销（{SCOPE_NAMES.get(scope, scope)}）",
            name,
            case or "—",
            reason,
            f"已于 {_day(reversed_at)} 撤销该决定" if reversed_at else "",
        ]
        for at, scope, name, _count, case, reason, reversed_at in report.revocations
    ]
    enforcement += [
        [_day(at), "召回批次", f"{name}（批号 {lot}）", case or "—", reason, ""]
        for at, name, lot, case, reason in report.recalls
    ]
    enforcement += [
        [_day(at), "撤回许可", f"{name}（{number or '—'}）", "—", reason or "—", ""]
        for at, name, number, reason in f.licences.withdrawals
    ]
    enforcement.sort(key=lambda row: row[0])
    handled = [
        [str(i), _day(at), STATUS_NAMES.get(status, status), outcome or "—"]
        for i, at, status, outcome in f.reports.rows
    ]
    return [
        ("月度标签与扫码", ["月份", "发放", "作废", "撤销", "扫码", "疑似复制"], months),
        (
            "监督抽检及结果",
            ["抽样日期", "企业", "批号", "检验机构", "报告编号", "结果"],
            inspections,
        ),
        ("执法措施", ["日期", "措施", "对象", "案号", "理由", "备注"], enforcement),
        ("消费者举报及处理", ["编号", "受理日期", "状态", "处理结果"], handled),
    ]


SIGNATURE = [("填报单位", ""), ("负责人", ""), ("职务", ""), ("日期", ""), ("（盖章）", "")]


def filename(report: AnnualReport, extension: str) -> str:
    where = f"-{report.division}" if report.division else ""
    return f"annual-report-{report.product_code}{where}-{report.year}.{extension}"


# --- PDF ------------------------------------------------------------------------------------


def pdf(report: AnnualReport) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=report.title,
    )
    title = ParagraphStyle("title", fontName=CJK_FONT, fontSize=15, leading=22, alignment=1)
    heading = ParagraphStyle("heading", fontName=CJK_FONT, fontSize=12, leading=18, spaceBefore=8)
    cell = ParagraphStyle("cell", fontName=CJK_FONT, fontSize=8.5, leading=11, wordWrap="CJK")
    note = ParagraphStyle("note", fontName=CJK_FONT, fontSize=8, leading=11, textColor="#444444")
    width = A4[0] - 36 * mm

    def grid(header: list[str] | None, rows: list[list[str]], widths: list[float]) -> Table:
        body = ([header] if header else []) + rows
        data = [[Paragraph(_escape(value), cell) for value in row] for row in body]
        table = Table(data, colWidths=[w * width for w in widths], repeatRows=1 if header else 0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")))
        table.setStyle(TableStyle(style))
        return table

    story: list[Any] = [
        Paragraph(_escape(report.title), title),
        Paragraph(_escape(f"生成时间 {public_datetime(report.generated_at):%Y-%m-%d %H:%M}"), note),
        Spacer(1, 4 * mm),
        Paragraph("一、主要数据", heading),
        grid(None, [list(row) for row in summary(report)], [0.35, 0.65]),
    ]
    numerals = "二三四五六七"
    for index, (caption, header, rows) in enumerate(tables(report)):
        story.append(Paragraph(f"{numerals[index]}、{_escape(caption)}", heading))
        if rows:
            story.append(grid(header, rows, [1 / len(header)] * len(header)))
        else:
            story.append(Paragraph("本期无。", cell))
    story.append(Paragraph(f"{numerals[len(tables(report))]}、签章", heading))
    story.append(grid(None, [[k, v] for k, v in SIGNATURE], [0.25, 0.75]))
    document.build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    """Paragraph text is a small markup language: escape what the data may contain."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- XLSX -----------------------------------------------------------------------------------


def xlsx(report: AnnualReport) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "主要数据"
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for item, value in summary(report):
        sheet.append([item, value])
    _widths(sheet, [24, 60])
    for caption, header, rows in tables(report):
        page = book.create_sheet(caption[:31])
        page.append(header)
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in rows:
            page.append([_number_or_text(value) for value in row])
        _widths(page, [14] + [22] * (len(header) - 1))
    signing = book.create_sheet("签章")
    for key, value in SIGNATURE:
        signing.append([key, value])
    _widths(signing, [16, 40])
    for row in signing.iter_rows():
        for cell in row:
            cell.alignment = Alignment(vertical="center")
        signing.row_dimensions[row[0].row].height = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_or_text(value: str) -> int | str:
    return int(value) if value.isdigit() and len(value) < 15 else value


def _widths(sheet: Any, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
