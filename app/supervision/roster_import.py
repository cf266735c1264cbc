"""Importing the roster from the bureau's spreadsheet (CSV or XLSX), and its template.

All or nothing by default: every bad row is reported with its line number (as the spreadsheet
numbers it, the header being line 1) and the reason, and nothing is written, so a clerk fixes
the file and imports it again; "import the good rows" writes the rest and lists what it left.
Rows are matched by USCC within the product and only what differs is changed, so importing
the same file twice changes nothing (and records nothing in the audit ledger).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.registry import service as registry_service
from app.registry.models import GIProduct
from app.supervision import repository, roster
from app.supervision.exceptions import RosterImportRejected, UnreadableImport
from app.supervision.models import ProducerKind
from app.supervision.schemas import ImportProblem, ImportReport, RosterFields

MAX_IMPORT_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"

# The template's columns: field, Chinese heading, an example.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("uscc", "统一社会信用代码", "91150821MA0N2K5X54"),
    ("name", "名称", "五原县丰瑞农业开发有限公司"),
    ("division_code", "行政区划代码", "150821"),
    ("kind", "类型（种植合作社/加工企业/贸易企业）", "加工企业"),
    ("exporter", "出口企业（是/否）", "是"),
    ("source", "来源", "县市场监管局摸底"),
    ("on_roster", "列入名录日期", "2026-01-01"),
    ("closed_on", "退出日期", ""),
)
_KIND_WORDS = {
    ProducerKind.GROWER: ("grower", "种植", "合作社", "养殖"),
    ProducerKind.PROCESSOR: ("processor", "加工"),
    ProducerKind.TRADER: ("trader", "贸易", "经销", "销售"),
}
_YES, _NO = {"是", "yes", "y", "true", "1"}, {"否", "no", "n", "false", "0", ""}


@dataclass(frozen=True)
class Line:
    number: int
    cells: dict[str, Any]


# --- reading the file ------------------------------------------------------------------------


def _table(data: bytes, filename: str) -> list[Sequence[Any]]:
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> list[Sequence[Any]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableImport(f"not a readable XLSX workbook: {exc}", field="file") from exc
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[Sequence[Any]]:
    # Excel on a Chinese Windows saves CSV in GB 18030; everything else in UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableImport("the CSV is neither UTF-8 nor GB 18030 text", field="file")
    return list(csv.reader(io.StringIO(text)))


def _header_fields(header: Sequence[Any]) -> list[str | None]:
    found: list[str | None] = []
    for cell in header:
        text = str(cell or "").strip()
        match = [f for f, zh, _ in COLUMNS if text.lower() == f or text == zh or f"({f})" in text]
        match = match or [f for f, zh, _ in COLUMNS if zh.split("（")[0] == text.split("（")[0]]
        found.append(match[0] if match else None)
    missing = {f for f, _, _ in COLUMNS if f != "closed_on"} - {f for f in found if f}
    if missing:
        raise UnreadableImport(
            "line 1 (the header) lacks the columns "
            + ", ".join(sorted(missing))
            + ": start from the import template",
            field="file",
        )
    return found


def read_lines(data: bytes, filename: str) -> Iterator[Line]:
    rows = _table(data, filename)
    if not rows:
        raise UnreadableImport("the file is empty", field="file")
    fields = _header_fields(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        cells = {f: v for f, v in zip(fields, row, strict=False) if f is not None}
        if any(_text(v) for v in cells.values()):
            yield Line(number, cells)


# --- checking each line ----------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a division code typed into a number cell
    return str(value).strip()


def _kind(text: str) -> str:
    for kind, words in _KIND_WORDS.items():
        if any(word in text.lower() for word in words):
            return kind.value
    return text  # left for the schema to refuse, naming the allowed values


def _exporter(text: str) -> bool | str:
    lowered = text.lower()
    return True if lowered in _YES else False if lowered in _NO else text


def _values(cells: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {field: _text(cells.get(field)) for field, _, _ in COLUMNS}
    values["kind"] = _kind(values["kind"])
    values["exporter"] = _exporter(values["exporter"])
    values["closed_on"] = values["closed_on"] or None
    return values


def _reason(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def check_line(product: GIProduct, line: Line, actor: Principal) -> RosterFields | ImportProblem:
    try:
        fields = RosterFields.model_validate(_values(line.cells))
    except ValidationError as exc:
        return ImportProblem(line=line.number, reason=_reason(exc))
    refusal = roster.area_refusal(product, fields.division_code)
    if refusal is None:
        refusal = roster.jurisdiction_refusal(actor, fields.division_code)
    if refusal is not None:
        return ImportProblem(line=line.number, reason=f"division_code: {refusal}")
    return fields


def check_lines(
    product: GIProduct, lines: Iterator[Line], actor: Principal
) -> tuple[dict[int, RosterFields], list[ImportProblem]]:
    """The good rows by line number, and the bad ones (a row outside the actor's
    jurisdiction among them)."""
    good: dict[int, RosterFields] = {}
    problems: list[ImportProblem] = []
    first_line: dict[str, int] = {}
    for line in lines:
        checked = check_line(product, line, actor)
        if isinstance(checked, ImportProblem):
            problems.append(checked)
        elif checked.uscc in first_line:
            reason = f"uscc: {checked.uscc} is on line {first_line[checked.uscc]} already"
            problems.append(ImportProblem(line=line.number, reason=reason))
        else:
            first_line[checked.uscc] = line.number
            good[line.number] = checked
    return good, problems


# --- writing ---------------------------------------------------------------------------------


async def import_roster(
    session: AsyncSession,
    actor: Principal,
    product_id: int,
    data: bytes,
    filename: str,
    *,
    good_rows: bool = False,
) -> ImportReport:
    product = await registry_service.get_product(session, product_id)
    checked, problems = check_lines(product, read_lines(data, filename), actor)
    good, elsewhere = await _not_kept_elsewhere(session, actor, product.id, checked)
    problems = sorted(problems + elsewhere, key=lambda problem: problem.line)
    if problems and not good_rows:
        raise RosterImportRejected(
            f"{len(problems)} bad row(s); nothing was imported. Correct them, or import the "
            "good rows only",
            problems=[p.model_dump() for p in problems],
        )
    report = await _upsert(session, actor, product.id, list(good.values()))
    return report.model_copy(update={"skipped": len(problems), "problems": problems})


async def _not_kept_elsewhere(
    session: AsyncSession, actor: Principal, product_id: int, rows: dict[int, RosterFields]
) -> tuple[dict[int, RosterFields], list[ImportProblem]]:
    """The rows, less those of enterprises another division keeps on the roster, which are
    bad rows: a county's file must not move (or overwrite) a neighbour's entry."""
    if actor.jurisdiction is None or not rows:
        return rows, []
    usccs = [row.uscc for row in rows.values()]
    stored = {
        e.uscc: e for e in await session.scalars(repository.roster_entries(product_id, usccs))
    }
    kept: dict[int, RosterFields] = {}
    problems = []
    for number, row in rows.items():
        entry = stored.get(row.uscc)
        refusal = None if entry is None else roster.jurisdiction_refusal(actor, entry.division_code)
        if refusal is None:
            kept[number] = row
        else:
            reason = f"uscc: {row.uscc} is on the roster of another division; {refusal}"
            problems.append(ImportProblem(line=number, reason=reason))
    return kept, problems


async def _upsert(
    session: AsyncSession, actor: Principal, product_id: int, rows: list[RosterFields]
) -> ImportReport:
    usccs = [row.uscc for row in rows]
    stored = {
        e.uscc: e for e in await session.scalars(repository.roster_entries(product_id, usccs))
    }
    created = updated = 0
    for row in rows:
        fields = row.model_dump()
        entry = stored.get(row.uscc)
        if entry is None:
            await roster.add(session, actor, product_id, fields)
            created += 1
        elif await roster.change(session, actor, entry, fields):
            updated += 1
    unchanged = len(rows) - created - updated
    return ImportReport(
        created=created, updated=updated, unchanged=unchanged, skipped=0, problems=[]
    )


# --- the template ----------------------------------------------------------------------------


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{zh}({field})" for field, zh, _ in COLUMNS])
    writer.writerow([example for _, _, example in COLUMNS])
    return out.getvalue().encode("utf-8-sig")  # the BOM: Excel then reads the Chinese right


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名录"
    sheet.append([f"{zh}({field})" for field, zh, _ in COLUMNS])
    sheet.append([example for _, _, example in COLUMNS])
    for column, (_, zh, _) in zip("ABCDEFGH", COLUMNS, strict=True):
        sheet.column_dimensions[column].width = max(14, len(zh) * 2 + 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
