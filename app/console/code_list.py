"""A list of label codes as a regulator brings it: pasted, one per line, or a CSV file (one
code per line, or a file with a ``code`` column, e.g. an export from a case file).

Every line is checked before anything is written: a line that is not a well-formed code is
reported by its line number, so the regulator can correct the file and send it again."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from app.label.code import is_well_formed, normalise

MAX_CODES = 10_000  # the API's limit for one revocation
CODE_COLUMN = "code"


@dataclass
class CodeList:
    codes: list[str] = field(default_factory=list)  # as typed, in order
    lines: dict[str, int] = field(default_factory=dict)  # normalised code → first line
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, what it held)

    def line_of(self, code: str) -> int | None:
        return self.lines.get(normalise(code))


def _column(header: list[str]) -> int | None:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    return names.index(CODE_COLUMN) if CODE_COLUMN in names else None


def parse(text: str) -> CodeList:
    """The codes of ``text``; blank lines are skipped, a header row naming a ``code`` column
    makes that column the codes (other columns ignored)."""
    found = CodeList()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    column = _column(rows[0]) if rows else None  # "code" is never a code: a header
    start = 1 if column is not None else 0
    for number, row in enumerate(rows[start:], start=start + 1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        typed = cells[column] if column is not None and column < len(cells) else ",".join(cells)
        code = normalise(typed)
        if not is_well_formed(code):
            found.bad.append((number, typed))
            continue
        found.codes.append(typed)
        found.lines.setdefault(code, number)
    return found


def decode(raw: bytes) -> str | None:
    """An uploaded file's text (UTF-8, with or without BOM; else GB18030, as Excel on a
    Chinese Windows saves CSV), or None when it is not text."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
