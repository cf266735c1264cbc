from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from app.label.code import format_grouped

HEADER = ("serial", "code", "grouped_code", "url")


def csv_lines(rows: Iterable[tuple[int, str, str]]) -> Iterator[str]:
    """CSV for variable-data printers, one line at a time: (serial, code, url) → text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    yield buffer.getvalue()
    for serial, code, url in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow((serial, code, format_grouped(code), url))
        yield buffer.getvalue()
