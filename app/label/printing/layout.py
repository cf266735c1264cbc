"""Where labels sit on an A4 sheet, and the print check that refuses unreadable QR symbols.

A label, 50 × 30 mm by default:

    ┌───────────────────────────────┐
    │ ┌──────────┐  ┌────┐          │   QR with its quiet zone: a square filling the height
    │ │          │  │mark│          │   less the padding and the code line
    │ │    QR    │  └────┘          │   text column: the GI mark, the USCC right under it
    │ │          │  USCC            │   (its designated position), the legal line, the lot
    │ │          │  legal line, lot │
    │ └──────────┘                  │
    │ K3F9-ABCD-EFGH-JKMN-PQRS      │   the code in print, under the QR
    └───────────────────────────────┘
"""

from __future__ import annotations

from dataclasses import dataclass

from app.label.printing.qr import QUIET_ZONE_MODULES

MM = 72 / 25.4  # PDF points per millimetre
A4_MM = (210.0, 297.0)
MIN_MODULE_MM = 0.25  # below this, phone cameras misread print (GS1 recommends ≥ 0.25 mm too)
PADDING_MM = 1.5
CODE_LINE_MM = 3.2
MIN_TEXT_COLUMN_MM = 16.0


class PrintCheckError(ValueError):
    """The label is too small to print a QR symbol that phones can read; says what works."""


@dataclass(frozen=True)
class SheetLayout:
    label_width_mm: float = 50.0
    label_height_mm: float = 30.0
    margin_mm: float = 8.0
    gap_mm: float = 2.0
    columns: int | None = None  # None: as many as fit on the page
    rows: int | None = None
    quiet_zone_modules: int = QUIET_ZONE_MODULES

    def __post_init__(self) -> None:
        if min(self.label_width_mm, self.label_height_mm) <= 0:
            raise ValueError("label width and height must be positive")
        if min(self.margin_mm, self.gap_mm) < 0:
            raise ValueError("margins and gaps cannot be negative")

    @property
    def qr_side_mm(self) -> float:
        """The square for the QR and its quiet zone."""
        return self.label_height_mm - 2 * PADDING_MM - CODE_LINE_MM

    @property
    def text_column_mm(self) -> float:
        return self.label_width_mm - self.qr_side_mm - 3 * PADDING_MM

    def grid(self) -> tuple[int, int]:
        """(columns, rows) per page; :class:`PrintCheckError` if that many do not fit."""
        return (
            _count(self.columns, A4_MM[0], self.label_width_mm, self, "columns"),
            _count(self.rows, A4_MM[1], self.label_height_mm, self, "rows"),
        )

    def origins(self) -> list[tuple[float, float]]:
        """Lower-left corner of each label on a page, in points, in reading order."""
        columns, rows = self.grid()
        step_x, step_y = self.label_width_mm + self.gap_mm, self.label_height_mm + self.gap_mm
        top = A4_MM[1] - self.margin_mm
        return [
            ((self.margin_mm + c * step_x) * MM, (top - r * step_y - self.label_height_mm) * MM)
            for r in range(rows)
            for c in range(columns)
        ]


def _count(
    wanted: int | None, page_mm: float, label_mm: float, layout: SheetLayout, axis: str
) -> int:
    usable = page_mm - 2 * layout.margin_mm + layout.gap_mm
    fits = int((usable + 1e-6) // (label_mm + layout.gap_mm))  # 1e-6: exact fits stay fits
    count = max(fits if wanted is None else wanted, 0)
    if 1 <= count <= fits:
        return count
    size, count = ("wide" if axis == "columns" else "high"), max(count, 1)
    largest = usable / count - layout.gap_mm
    raise PrintCheckError(
        f"{count} {axis} of labels {label_mm:g} mm {size} do not fit on A4 with "
        f"{layout.margin_mm:g} mm margins and {layout.gap_mm:g} mm gaps: at most {fits} fit, "
        f"or make labels at most {largest:.1f} mm {size}"
    )


def _require_quiet_zone(quiet_zone_modules: int) -> None:
    if quiet_zone_modules < QUIET_ZONE_MODULES:
        raise PrintCheckError(
            f"a quiet zone of {quiet_zone_modules} modules is too narrow for scanners; "
            f"leave {QUIET_ZONE_MODULES} modules clear around the QR"
        )


def check_qr_fit(
    qr_side_mm: float, modules: int, quiet_zone_modules: int = QUIET_ZONE_MODULES
) -> float:
    """Module size in mm of a ``modules``-wide symbol drawn with its quiet zone in a square of
    ``qr_side_mm``; :class:`PrintCheckError` if a module or the quiet zone is too small."""
    _require_quiet_zone(quiet_zone_modules)
    span = modules + 2 * quiet_zone_modules
    module = qr_side_mm / span
    if module < MIN_MODULE_MM:
        raise PrintCheckError(
            f"a {qr_side_mm:.1f} mm QR gives {module:.3f} mm modules, under {MIN_MODULE_MM} mm; "
            f"make the QR at least {MIN_MODULE_MM * span:.1f} mm wide, quiet zone included"
        )
    return module


def check_print_size(layout: SheetLayout, modules: int) -> float:
    """Module size in mm, or :class:`PrintCheckError` naming a label size that would work."""
    _require_quiet_zone(layout.quiet_zone_modules)
    span = modules + 2 * layout.quiet_zone_modules
    module = layout.qr_side_mm / span
    if module < MIN_MODULE_MM:
        height = layout.label_height_mm - layout.qr_side_mm + MIN_MODULE_MM * span
        raise PrintCheckError(
            f"at {layout.label_height_mm:g} mm high a QR module would be {module:.3f} mm, under "
            f"{MIN_MODULE_MM} mm; make labels at least {height:.1f} mm high"
        )
    if layout.text_column_mm < MIN_TEXT_COLUMN_MM:
        width = layout.label_width_mm - layout.text_column_mm + MIN_TEXT_COLUMN_MM
        raise PrintCheckError(
            f"a {layout.label_width_mm:g} mm wide label leaves no room beside the QR for the "
            f"mark and the legal text; make it at least {width:.1f} mm wide"
        )
    layout.grid()
    return module
