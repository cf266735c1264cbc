"""CSV for variable-data printers, streamed one line at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from app.label.code import format_grouped

# The serial leads: presses and print shops match rolls and sheets to the batch by it, and a
# licensee voids damaged labels by serial range.
HEADER = ("serial", "code", "grouped_code", "url")


def csv_lines(rows: Iterable[tuple[int, str, str]], *, header: bool = True) -> Iterator[str]:
    """``(serial, code, url)`` → CSV text, the header line first unless ``header=False``
    (for the second and later chunks of one file)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def line(values: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    if header:
        yield line(HEADER)
    for serial, code, url in rows:
        yield line((serial, code, format_grouped(code), url))
