"""Everything on a label that is the same for the whole print job, as one form XObject.

CNIPA Announcement 354 asks for the user's USCC at the mark's designated position and the GI
name with its standard or announcement number (or trademark and registration number) beside
the mark. Those, the mark and the lot are identical on every label of a batch, so they are
drawn once here and each label places the form with a single ``Do``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.label.printing.fonts import (
    CJK_FONT,
    MONO_ADVANCE,
    ascii_string,
    cjk_string,
    show_text,
    wrap,
)
from app.label.printing.layout import (
    A4_MM,
    CODE_LINE_MM,
    MM,
    PADDING_MM,
    PrintCheckError,
    SheetLayout,
)

CJK_SIZES = (5.0, 4.6, 4.2, 3.8)  # points; 3.8 pt is about the smallest a press keeps legible
LEADING = 1.2
USCC_MAX_SIZE = 5.5
MARK_MAX_MM = 10.0
BESIDE_MARK_MIN_MM = 20.0  # narrower than this beside the mark, the text goes under it
LOT_PREFIX = "批号 "


@dataclass(frozen=True)
class LabelText:
    """What is the same on every label of a batch."""

    uscc: str
    legal_line: str  # composed by the registry: GI name + standard/announcement number, or
    gi_name: str  # trademark + registration number; the GI name only titles the file
    lot: str


def mark_side(layout: SheetLayout) -> float:
    """Side of the square mark, in points."""
    return min(MARK_MAX_MM, layout.text_column_mm / 2, layout.qr_side_mm / 2) * MM


@dataclass(frozen=True)
class _TextBlock:
    """Where the USCC and the legal lines go, in points from the label's lower left corner:
    right of the mark where the column is wide enough, else under it."""

    x: float
    width: float
    top: float
    bottom: float

    @classmethod
    def of(cls, layout: SheetLayout) -> _TextBlock:
        x, width = (2 * PADDING_MM + layout.qr_side_mm) * MM, layout.text_column_mm * MM
        top, bottom = (layout.label_height_mm - PADDING_MM) * MM, (PADDING_MM + CODE_LINE_MM) * MM
        side, gap = mark_side(layout), 1.0 * MM
        if width - side - gap >= BESIDE_MARK_MIN_MM * MM:
            return cls(x + side + gap, width - side - gap, top, bottom)
        return cls(x, width, top - side - 0.5 * MM, bottom)

    def uscc(self, text: LabelText) -> tuple[float, float]:
        """(size, baseline) of the USCC: first in the block, as large as the width allows."""
        size = min(USCC_MAX_SIZE, self.width / (max(len(text.uscc), 1) * MONO_ADVANCE))
        return size, self.top - 0.62 * size  # Courier capitals are ~0.6 em high

    def legal_baselines(self, text: LabelText, size: float, count: int) -> list[float]:
        first = self.uscc(text)[1] - 0.6 * MM - 0.8 * size
        return [first - i * size * LEADING for i in range(count)]


def template_ops(layout: SheetLayout, text: LabelText) -> str:
    """Operators for the form; needs resources /Mark (the mark form), /CJK and /Mono."""
    block, side = _TextBlock.of(layout), mark_side(layout)
    mark_x = (2 * PADDING_MM + layout.qr_side_mm) * MM
    mark_y = (layout.label_height_mm - PADDING_MM) * MM - side  # top of the text column
    uscc_size, uscc_baseline = block.uscc(text)
    size, lines = _fit_legal_text(layout, text)
    ops = [
        f"q 1 0 0 1 {mark_x:.2f} {mark_y:.2f} cm /Mark Do Q\n",
        show_text("Mono", uscc_size, block.x, uscc_baseline, ascii_string(text.uscc)),
    ]
    for line, y in zip(lines, block.legal_baselines(text, size, len(lines)), strict=True):
        ops.append(show_text("CJK", size, block.x, y, cjk_string(line)))
    return "".join(ops)


def _fitting_lines(layout: SheetLayout, text: LabelText, size: float) -> list[str] | None:
    block = _TextBlock.of(layout)
    lines = wrap(text.legal_line, CJK_FONT, size, block.width)
    lines += wrap(LOT_PREFIX + text.lot, CJK_FONT, size, block.width)
    last = block.legal_baselines(text, size, len(lines))[-1]
    return lines if last - 0.25 * size >= block.bottom else None  # 0.25 em: the CJK descent


def _fit_legal_text(layout: SheetLayout, text: LabelText) -> tuple[float, list[str]]:
    """The largest size at which the legal line and the lot fit above the code line; legal
    text must never be cut, so a label too small for it is refused."""
    for size in CJK_SIZES:
        lines = _fitting_lines(layout, text, size)
        if lines is not None:
            return size, lines
    raise PrintCheckError(
        f"the legal line and lot do not fit beside the QR of a {layout.label_width_mm:g} × "
        f"{layout.label_height_mm:g} mm label even at {CJK_SIZES[-1]} pt; "
        + _size_that_fits(layout, text)
    )


def _size_that_fits(layout: SheetLayout, text: LabelText) -> str:
    """Advice: the narrowest wider label that fits (more width only widens the text), else
    the lowest taller one."""
    page_width, page_height = (int(side - 2 * layout.margin_mm) for side in A4_MM)
    for width in range(int(layout.label_width_mm) + 1, page_width + 1):
        if _fitting_lines(replace(layout, label_width_mm=width), text, CJK_SIZES[-1]) is not None:
            return f"make it at least {width} mm wide"
    for height in range(int(layout.label_height_mm) + 1, page_height + 1):
        taller = replace(layout, label_height_mm=height, label_width_mm=page_width)
        if _fitting_lines(taller, text, CJK_SIZES[-1]) is not None:
            return f"make it {page_width} mm wide and at least {height} mm high"
    return "shorten the legal line"
