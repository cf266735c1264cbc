"""A4 sheets of labels as PDF (reportlab), drawn label by label from an iterator.

Each label carries what CNIPA Announcement 354 asks for beside the GI special mark: the mark,
the user's USCC at the designated position next to it, the GI name with its standard or
announcement number (or trademark and registration number), plus the lot, the QR symbol and
the code in print. The QR is a 1-bit image mask (sharp modules at any printer resolution);
everything that is the same on every label is one form XObject drawn by reference.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from app.label.code import format_grouped
from app.label.printing.qr import QUIET_ZONE_MODULES, qr_image_mask, qr_matrix

CJK_FONT = "STSong-Light"
MIN_MODULE_MM = 0.25
PADDING_MM = 1.5
CODE_LINE_MM = 3.2
MIN_TEXT_COLUMN_MM = 16.0
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
# Binary (Flate only) streams: ASCII85 on top makes files 25 % larger and costs time.
rl_config.useA85 = 0


class PrintCheckError(ValueError):
    """The label is too small to print a QR symbol that phones can read; says what works."""


@dataclass(frozen=True)
class SheetLayout:
    label_width_mm: float = 50.0
    label_height_mm: float = 30.0
    margin_mm: float = 8.0
    gap_mm: float = 2.0

    @property
    def qr_side_mm(self) -> float:
        """The QR with its quiet zone fills the label's height less padding and the code line."""
        return self.label_height_mm - 2 * PADDING_MM - CODE_LINE_MM

    def grid(self) -> tuple[int, int]:
        page_w, page_h = A4[0] / mm, A4[1] / mm
        columns = int(
            (page_w - 2 * self.margin_mm + self.gap_mm) // (self.label_width_mm + self.gap_mm)
        )
        rows = int(
            (page_h - 2 * self.margin_mm + self.gap_mm) // (self.label_height_mm + self.gap_mm)
        )
        return columns, rows


@dataclass(frozen=True)
class LabelText:
    """What is the same on every label of a batch."""

    uscc: str
    legal_line: str
    gi_name: str
    lot: str


def check_print_size(layout: SheetLayout, modules: int) -> float:
    """Module size in mm, or :class:`PrintCheckError` naming a label size that would work."""
    side = layout.qr_side_mm
    module = side / (modules + 2 * QUIET_ZONE_MODULES)
    min_height = MIN_MODULE_MM * (modules + 2 * QUIET_ZONE_MODULES) + 2 * PADDING_MM + CODE_LINE_MM
    if module < MIN_MODULE_MM:
        raise PrintCheckError(
            f"at {layout.label_height_mm:g} mm high a QR module would be {module:.3f} mm, under "
            f"{MIN_MODULE_MM} mm; make labels at least {min_height:.1f} mm high"
        )
    min_width = side + 3 * PADDING_MM + MIN_TEXT_COLUMN_MM
    if layout.label_width_mm < min_width:
        raise PrintCheckError(
            f"a {layout.label_width_mm:g} mm wide label leaves no room beside the QR; "
            f"make it at least {min_width:.1f} mm wide"
        )
    if layout.grid()[0] < 1 or layout.grid()[1] < 1:
        raise PrintCheckError("the label does not fit on an A4 page with these margins")
    return module


class SheetWriter:
    """Draws labels onto A4 pages; call :meth:`add` per label, then :meth:`finish`."""

    def __init__(
        self, out: BinaryIO, layout: SheetLayout, text: LabelText, artwork_png: bytes | None
    ):
        self.layout, self.text = layout, text
        self.canvas = Canvas(out, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(f"{text.gi_name} {text.lot}")
        self.columns, self.rows = layout.grid()
        self.slot = 0
        self._define_mark(artwork_png)
        self._define_static_text()

    def _define_mark(self, artwork_png: bytes | None) -> None:
        side = self._mark_side()
        self.canvas.beginForm("mark", lowerx=0, lowery=0, upperx=side, uppery=side)
        if artwork_png:
            image = ImageReader(io.BytesIO(artwork_png))
            self.canvas.drawImage(image, 0, 0, side, side, preserveAspectRatio=True, mask="auto")
        else:  # a neutral emblem where no artwork was uploaded
            self.canvas.setLineWidth(0.6)
            self.canvas.circle(side / 2, side / 2, side / 2 - 0.5)
            self.canvas.setFont(CJK_FONT, side / 5)
            self.canvas.drawCentredString(side / 2, side / 2 - side / 14, "地理标志")
        self.canvas.endForm()

    def _mark_side(self) -> float:
        column = self.layout.label_width_mm - self.layout.qr_side_mm - 3 * PADDING_MM
        side: float = min(10.0, column / 2, self.layout.qr_side_mm / 2) * mm
        return side

    def add(self, code: str, url: str) -> None:
        if self.slot == self.columns * self.rows:
            self.canvas.showPage()
            self.slot = 0
        row, column = divmod(self.slot, self.columns)
        x = (
            self.layout.margin_mm + column * (self.layout.label_width_mm + self.layout.gap_mm)
        ) * mm
        top = (
            A4[1]
            - (self.layout.margin_mm + row * (self.layout.label_height_mm + self.layout.gap_mm))
            * mm
        )
        self._draw_label(x, top - self.layout.label_height_mm * mm, code, url)
        self.slot += 1

    def _draw_label(self, x: float, y: float, code: str, url: str) -> None:
        c, pad = self.canvas, PADDING_MM * mm
        qr_side = self.layout.qr_side_mm * mm
        self._draw_qr(url, x + pad, y + pad + CODE_LINE_MM * mm, qr_side)
        c.setFont("Courier-Bold", 6.2)
        c.drawCentredString(x + pad + qr_side / 2, y + pad + 0.6 * mm, format_grouped(code))
        c.saveState()
        c.translate(x + 2 * pad + qr_side, y)
        c.doForm("static")  # mark, USCC, legal line and lot: the same on every label
        c.restoreState()

    def _draw_qr(self, url: str, x: float, y: float, side: float) -> None:
        size, modules = qr_matrix(url)
        module = side / (size + 2 * QUIET_ZONE_MODULES)
        quiet, symbol = QUIET_ZONE_MODULES * module, size * module
        self.canvas.saveState()
        self.canvas.transform(symbol, 0, 0, symbol, x + quiet, y + quiet)
        self.canvas.addLiteral(qr_image_mask(size, modules))
        self.canvas.restoreState()

    def _define_static_text(self) -> None:
        width = self.layout.label_width_mm * mm - 3 * PADDING_MM * mm - self.layout.qr_side_mm * mm
        height = self.layout.label_height_mm * mm
        self.canvas.beginForm("static", lowerx=0, lowery=0, upperx=width, uppery=height)
        self._draw_text_column(0, 0, width)
        self.canvas.endForm()

    def _draw_text_column(self, x: float, y: float, width: float) -> None:
        c, pad = self.canvas, PADDING_MM * mm
        top = y + self.layout.label_height_mm * mm - pad
        side = self._mark_side()
        c.saveState()
        c.translate(x, top - side)
        c.doForm("mark")
        c.restoreState()
        # The USCC sits at the mark's designated position, directly under it.
        uscc_size = min(5.5, width / (len(self.text.uscc) * 0.6))
        c.setFont("Courier", uscc_size)
        c.drawString(x, top - side - uscc_size - 0.6 * mm, self.text.uscc)
        size = _fitting_size(self.text.legal_line, width)
        lines = _wrap(self.text.legal_line, width, size) + _wrap(
            f"批次 {self.text.lot}", width, size
        )
        c.setFont(CJK_FONT, size)
        for i, line in enumerate(lines[:4]):
            c.drawString(x, top - side - uscc_size - (3.0 + 2.1 * i) * mm, line)

    def finish(self) -> None:
        self.canvas.save()


def _fitting_size(text: str, width: float) -> float:
    """The largest of our small sizes at which the legal line takes at most two lines."""
    for size in (5.0, 4.6, 4.2, 3.8):
        if len(_wrap(text, width, size)) <= 2:
            return size
    return 3.8


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Break at spaces (numbers stay whole); break inside a word only if it alone is too wide."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _fits(candidate, width, size):
            lines[-1] = candidate
        else:
            lines.extend(_split_word(word, width, size))
    return lines


def _fits(text: str, width: float, size: float) -> bool:
    return bool(pdfmetrics.stringWidth(text, CJK_FONT, size) <= width)


def _split_word(word: str, width: float, size: float) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and not _fits(current + char, width, size):
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def render_sheets(
    out: BinaryIO,
    labels: Iterable[tuple[str, str]],
    text: LabelText,
    layout: SheetLayout | None = None,
    artwork_png: bytes | None = None,
) -> int:
    """Write a PDF of ``(code, url)`` labels to ``out``; returns how many were drawn."""
    layout = layout or SheetLayout()
    writer = SheetWriter(out, layout, text, artwork_png)
    count = 0
    for code, url in labels:
        if count == 0:
            check_print_size(layout, qr_matrix(url)[0])
        writer.add(code, url)
        count += 1
    writer.finish()
    return count
