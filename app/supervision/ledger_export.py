"""The ledger as files: XLSX and CSV for the bureau's own spreadsheets, and a PDF a regulator
signs and seals (name, post, date, room for the seal) before filing it upward.

The PDF uses the label sheets' Chinese font (Adobe STSong-Light, which every reader ships,
see ``app.label.printing.fonts``), so nothing is embedded and the text stays extractable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.core.time import public_datetime
from app.label.printing.fonts import CJK_FONT
from app.supervision.schemas import Ledger

TITLE = "地理标志专用标志印制、发放、使用和溯源管理台账"
BATCH_HEADINGS = (
    ("batch_id", "批次"),
    ("lot_number", "生产批号"),
    ("status", "状态"),
    ("requested", "申请枚数"),
    ("issued", "发放枚数"),
    ("printed", "印制枚数"),
    ("spoiled", "损耗"),
    ("destroyed", "销毁"),
    ("voided", "作废"),
    ("revoked", "撤销"),
    ("scans", "扫码次数"),
    ("unaccounted", "未核销"),
)
RUN_HEADINGS = (
    ("batch_id", "批次"),
    ("printer_name", "印制单位"),
    ("printer_uscc", "印制单位统一社会信用代码"),
    ("printed_on", "印制日期"),
    ("quantity", "印制枚数"),
    ("spoiled", "损耗"),
    ("destroyed", "销毁"),
    ("destroyed_reason", "销毁原因"),
)
TOTALS = (
    ("batches_requested", "申请批次"),
    ("batches_approved", "批准批次"),
    ("batches_issued", "发放批次"),
    ("labels_requested", "申请枚数"),
    ("labels_issued", "发放枚数"),
    ("labels_printed", "印制枚数"),
    ("labels_spoiled", "损耗枚数"),
    ("labels_destroyed", "销毁枚数"),
    ("labels_voided", "作废枚数"),
    ("labels_revoked", "撤销枚数"),
    ("scans", "扫码次数"),
)
SIGNATURE = ("审核人（签名）", "职务", "日期", "（盖章）")


def _head(ledger: Ledger) -> list[tuple[str, str]]:
    generated = public_datetime(ledger.generated_at).strftime("%Y-%m-%d %H:%M")
    return [
        ("企业名称", ledger.enterprise_name),
        ("统一社会信用代码", ledger.uscc),
        ("地理标志产品", ledger.product_name),
        ("年度", str(ledger.year) if ledger.year else "全部"),
        ("生成时间", generated),
    ]


def _cells(ledger: Ledger) -> Iterator[Sequence[object]]:
    """Every section as rows, the same for CSV and XLSX."""
    yield [TITLE]
    yield from ([label, value] for label, value in _head(ledger))
    yield []
    yield ["汇总"]
    yield from ([label, getattr(ledger, field)] for field, label in TOTALS)
    yield []
    yield ["批次明细"]
    yield [label for _, label in BATCH_HEADINGS]
    for batch in ledger.batches:
        yield [getattr(batch, field) for field, _ in BATCH_HEADINGS]
    yield []
    yield ["印制记录"]
    yield [label for _, label in RUN_HEADINGS]
    for run in ledger.print_runs:
        yield [_plain(getattr(run, field)) for field, _ in RUN_HEADINGS]


def _plain(value: object) -> object:
    return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value


def ledger_csv(ledger: Ledger) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_cells(ledger))
    return out.getvalue().encode("utf-8-sig")  # the BOM: Excel then reads the Chinese right


def ledger_xlsx(ledger: Ledger) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    for row in _cells(ledger):
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(rows: Sequence[Sequence[object]], header: bool = True) -> Table:
    table = Table([[str(cell) for cell in row] for row in rows], repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), CJK_FONT, 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")))
    table.setStyle(TableStyle(style))
    return table


def _signature_block() -> Table:
    """Name, post and date lines for the signing regulator, and a box for the seal."""
    rows = [
        [f"{SIGNATURE[0]}：", "", SIGNATURE[3]],
        [f"{SIGNATURE[1]}：", "", ""],
        [f"{SIGNATURE[2]}：", "", ""],
    ]
    table = Table(rows, colWidths=(35 * mm, 70 * mm, 45 * mm), rowHeights=12 * mm)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), CJK_FONT, 10),
                ("LINEBELOW", (1, 0), (1, 2), 0.6, colors.black),
                ("SPAN", (2, 0), (2, 2)),
                ("BOX", (2, 0), (2, 2), 0.6, colors.black),
                ("ALIGN", (2, 0), (2, 2), "CENTER"),
                ("VALIGN", (2, 0), (2, 2), "MIDDLE"),
            ]
        )
    )
    return table


def ledger_pdf(ledger: Ledger) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=TITLE,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    title = ParagraphStyle("title", fontName=CJK_FONT, fontSize=15, leading=20)
    heading = ParagraphStyle("heading", fontName=CJK_FONT, fontSize=11, leading=16, spaceBefore=6)
    batches: list[list[object]] = [[label for _, label in BATCH_HEADINGS]]
    batches += [[getattr(b, field) for field, _ in BATCH_HEADINGS] for b in ledger.batches]
    runs: list[list[object]] = [[label for _, label in RUN_HEADINGS]]
    runs += [[_plain(getattr(r, field)) for field, _ in RUN_HEADINGS] for r in ledger.print_runs]
    document.build(
        [
            Paragraph(TITLE, title),
            _table([list(pair) for pair in _head(ledger)], header=False),
            Paragraph("汇总", heading),
            _table([[label, getattr(ledger, field)] for field, label in TOTALS], header=False),
            Paragraph("批次明细", heading),
            _table(batches),
            Paragraph("印制记录", heading),
            _table(runs),
            Spacer(1, 10 * mm),
            _signature_block(),
        ]
    )
    return out.getvalue()
