"""Whole print files written into an open binary file from chunks of labels, for the print
jobs (``app.label.printfile``). Blocking: each writer runs in one worker thread and pulls the
chunks as it goes, so however many labels come in, only one chunk (and, for a ZIP, the
central directory of a few dozen bytes per entry) is in memory.

A chunk is a list of ``(serial, code, url)``; every writer returns how many labels it wrote.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Literal

from app.label.printing.csv_export import csv_lines
from app.label.printing.qr import qr_png, qr_svg
from app.label.printing.sheet import LabelText, SheetLayout, SheetPdf

Chunk = list[tuple[int, str, str]]
QrKind = Literal["png", "svg"]
SUMMARY_ENTRY = "summary.txt"


def write_csv(out: BinaryIO, comment: str, chunks: Iterable[Chunk]) -> int:
    """The same file as ``GET …/labels.csv``: the summary comment, the header, a line a label."""
    out.write(comment.encode())
    written, header = 0, True
    for chunk in chunks:
        out.write("".join(csv_lines(chunk, header=header)).encode())
        written, header = written + len(chunk), False
    if header:  # no live label at all: still a CSV with its header
        out.write("".join(csv_lines((), header=True)).encode())
    return written


def write_pdf(
    out: BinaryIO,
    chunks: Iterable[Chunk],
    text: LabelText,
    layout: SheetLayout,
    artwork_png: bytes | None,
    notice: str,
) -> int:
    """A4 sheets as ``GET …/labels.pdf`` draws them, page by page (one PDF whatever the count:
    the writer keeps only object offsets). Raises ``PrintCheckError`` before any label."""
    sheets = SheetPdf(text, layout, artwork_png, notice)
    for piece in sheets.chunks(_code_and_url(chunks)):
        out.write(piece)
    return sheets.labels_drawn


def _code_and_url(chunks: Iterable[Chunk]) -> Iterator[tuple[str, str]]:
    for chunk in chunks:
        for _, code, url in chunk:
            yield code, url


def write_qr_zip(out: BinaryIO, kind: QrKind, summary: str, chunks: Iterable[Chunk]) -> int:
    """One QR image a label (``<serial>-<code>.png|svg``, as ``GET /labels/{code}/qr.*`` draws
    it), and ``summary.txt`` with the file's reconciliation line. Each entry goes to ``out`` as
    it is made. PNGs are stored as they are (already compressed); SVG text is deflated."""
    render = qr_png if kind == "png" else qr_svg
    compression = zipfile.ZIP_STORED if kind == "png" else zipfile.ZIP_DEFLATED
    written = 0
    with zipfile.ZipFile(out, "w", compression=compression, allowZip64=True) as archive:
        archive.writestr(SUMMARY_ENTRY, summary, compress_type=zipfile.ZIP_DEFLATED)
        for chunk in chunks:
            for serial, code, url in chunk:
                archive.writestr(f"{serial:08d}-{code}.{kind}", render(url))
            written += len(chunk)
    return written
