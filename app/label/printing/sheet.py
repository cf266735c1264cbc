"""A4 sheets of labels as PDF, streamed page by page from an iterator of ``(code, url)``.

Memory stays flat however many labels come in: each page is written (compressed) as soon as
it is full, and only object offsets are kept. Per label the page holds three things: a ``Do``
of the job's template form (mark, USCC, legal line, lot), the code as one line of text, and
the QR symbol as one stroked segment (a 1-module-high rectangle) per horizontal run of
dark modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import BinaryIO

from app.label.code import format_grouped
from app.label.printing.artwork import add_mark_form
from app.label.printing.fonts import (
    CJK_FONT,
    MONO,
    MONO_ADVANCE,
    MONO_BOLD,
    cjk_font_object,
    cjk_string,
    show_text,
    standard_font_object,
    text_width,
)
from app.label.printing.layout import (
    A4_MM,
    CODE_LINE_MM,
    MM,
    PADDING_MM,
    PrintCheckError,
    SheetLayout,
    check_print_size,
)
from app.label.printing.pdf import PdfWriter, pdf_text_string
from app.label.printing.qr import label_matrix
from app.label.printing.template import LabelText, mark_side, template_ops
from app.label.printing.vector import module_strokes

__all__ = ["LabelText", "PrintCheckError", "SheetLayout", "SheetPdf", "render_sheets"]

CODE_SIZE_MAX = 7.0  # points
NOTICE_SIZE_MAX, NOTICE_SIZE_MIN = 6.0, 3.5  # points
NOTICE_MIN_MARGIN_MM = 3.0  # a top margin narrower than this gets a cover page instead
COVER_MARGIN_MM = 20.0
GROUPED_LENGTH = 24  # K3F9-ABCD-EFGH-JKMN-PQRS


class SheetPdf:
    """One print job: the label text, layout and mark, written as PDF by :meth:`chunks`."""

    def __init__(
        self,
        text: LabelText,
        layout: SheetLayout | None = None,
        artwork_png: bytes | None = None,
        notice: str | None = None,
    ) -> None:
        self.text, self.layout, self.artwork = text, layout or SheetLayout(), artwork_png
        self.notice = notice  # one line for the print shop, on the first page (see _notice_ops)
        self.origins = self.layout.origins()
        self.labels_drawn = 0
        self._code_size = min(
            CODE_SIZE_MAX,
            (self.layout.label_width_mm - 2 * PADDING_MM) * MM / (GROUPED_LENGTH * MONO_ADVANCE),
        )
        self._label_heads = [self._label_head(x, y) for x, y in self.origins]
        self._qr_heads: dict[int, str] = {}  # per symbol size, after the print check

    def chunks(self, labels: Iterable[tuple[str, str]]) -> Iterator[bytes]:
        """The file in pieces: the shared objects, then each page as it fills, then the
        cross-reference table. Nothing is yielded before the print check passes."""
        remaining = iter(labels)
        first = next(remaining, None)
        if first is not None:
            self._qr_head(label_matrix(first[1], first[0])[0])
        writer = PdfWriter()
        pages_tree, resources = writer.reserve(), self._add_resources(writer)
        yield writer.take()
        kids = []
        for content in self._page_contents(chain([first], remaining) if first else ()):
            kids.append(self._add_page(writer, content, pages_tree, resources))
            yield writer.take()
        self._finish(writer, pages_tree, kids)
        yield writer.take()

    def _page_contents(self, labels: Iterable[tuple[str, str]]) -> Iterator[bytes]:
        """Content streams, one per page; a blank page if there are no labels at all. The
        notice goes in the first page's top margin, or on a cover page if the margin is too
        narrow to hold it."""
        per_page, ops, slot = len(self.origins), list[str](), 0
        head = self._first_page_head()
        if head is not None and not head[1]:  # a cover page of its own
            yield head[0].encode("latin-1")
        elif head is not None:
            ops.append(head[0])
        for code, url in labels:
            ops.append(self._label_ops(slot, code, url))
            self.labels_drawn += 1
            slot += 1
            if slot == per_page:
                yield "".join(ops).encode("latin-1")
                ops, slot = [], 0
        if slot or not self.labels_drawn:
            yield "".join(ops).encode("latin-1")

    def _first_page_head(self) -> tuple[str, bool] | None:
        """(operators, whether they share the first page with labels) for the notice."""
        if self.notice is None:
            return None
        in_margin = notice_ops(self.notice, self.layout.margin_mm)
        if in_margin is not None:
            return in_margin, True
        return notice_ops(self.notice, COVER_MARGIN_MM) or "", False

    def _label_ops(self, slot: int, code: str, url: str) -> str:
        if not (code.isascii() and code.isalnum()):  # it goes into the page as a literal string
            raise ValueError(f"not a label code: {code!r}")
        size, modules = label_matrix(url, code)
        qr_head = self._qr_heads.get(size) or self._qr_head(size)
        strokes = module_strokes(size, modules)
        return f"{self._label_heads[slot]}{format_grouped(code)}) Tj ET\n{qr_head}{strokes}S Q\n"

    def _label_head(self, x: float, y: float) -> str:
        """Move to the label, draw the template and open the code's string (closed per label)."""
        width = GROUPED_LENGTH * MONO_ADVANCE * self._code_size
        qr_centre = (PADDING_MM + self.layout.qr_side_mm / 2) * MM
        label_width = self.layout.label_width_mm * MM
        # Centred under the QR where it fits, else shifted to stay inside the label.
        code_x = min(
            max(qr_centre - width / 2, PADDING_MM * MM), label_width - PADDING_MM * MM - width
        )
        code_y = (PADDING_MM + 0.7) * MM
        return (
            f"q 1 0 0 1 {x:.2f} {y:.2f} cm /T Do "
            f"BT /B {self._code_size:.2f} Tf {code_x:.2f} {code_y:.2f} Td ("
        )

    def _qr_head(self, size: int) -> str:
        """Module units for a symbol of ``size`` modules: y down, the quiet zone left blank,
        half a module lower so runs stroke along row midlines (butt caps, 1 module wide).
        Only once the print check has passed for that size."""
        module = check_print_size(self.layout, size) * MM
        quiet = self.layout.quiet_zone_modules * module
        left = PADDING_MM * MM + quiet
        top = (PADDING_MM + CODE_LINE_MM + self.layout.qr_side_mm) * MM - quiet
        top -= module / 2
        head = f"{module:.4f} 0 0 {-module:.4f} {left:.3f} {top:.3f} cm 0 J 1 w\n"
        self._qr_heads[size] = head
        return head

    def _add_resources(self, writer: PdfWriter) -> int:
        """Fonts, the mark, the label template and the page resource dictionary."""
        cjk, mono = writer.add(cjk_font_object()), writer.add(standard_font_object(MONO))
        bold = writer.add(standard_font_object(MONO_BOLD))
        mark = add_mark_form(writer, mark_side(self.layout), self.artwork, cjk)
        width, height = self.layout.label_width_mm * MM, self.layout.label_height_mm * MM
        template = writer.add_stream(
            f"/Type /XObject /Subtype /Form /BBox [0 0 {width:.2f} {height:.2f}] "
            f"/Resources << /Font << /CJK {cjk} 0 R /Mono {mono} 0 R >> "
            f"/XObject << /Mark {mark} 0 R >> >>",
            template_ops(self.layout, self.text).encode("latin-1"),
        )
        fonts = f"/Font << /B {bold} 0 R /CJK {cjk} 0 R >>"  # /CJK: the notice line
        return writer.add(f"<< {fonts} /XObject << /T {template} 0 R >> >>")

    def _add_page(self, writer: PdfWriter, content: bytes, parent: int, resources: int) -> int:
        contents = writer.add_stream("", content)
        media_box = f"[0 0 {A4_MM[0] * MM:.2f} {A4_MM[1] * MM:.2f}]"
        return writer.add(
            f"<< /Type /Page /Parent {parent} 0 R /MediaBox {media_box} "
            f"/Resources {resources} 0 R /Contents {contents} 0 R >>"
        )

    def _finish(self, writer: PdfWriter, pages_tree: int, kids: list[int]) -> None:
        references = " ".join(f"{kid} 0 R" for kid in kids)
        writer.add(f"<< /Type /Pages /Kids [{references}] /Count {len(kids)} >>", pages_tree)
        root = writer.add(f"<< /Type /Catalog /Pages {pages_tree} 0 R >>")
        title = pdf_text_string(f"{self.text.gi_name} {self.text.lot}")
        info = writer.add(f"<< /Title {title} /Producer (gimark) >>")
        writer.finish(root, info)


def notice_ops(text: str, margin_mm: float) -> str | None:
    """The notice as one line centred in a top margin of ``margin_mm``, outside every label,
    so it costs no label; None if it does not fit there."""
    side_mm = max(margin_mm, 5.0)
    width = (A4_MM[0] - 2 * side_mm) * MM
    size = min(NOTICE_SIZE_MAX, width / max(text_width(text, CJK_FONT, 1.0), 1e-6))
    if margin_mm < NOTICE_MIN_MARGIN_MM or size < NOTICE_SIZE_MIN:
        return None
    x = (A4_MM[0] * MM - text_width(text, CJK_FONT, size)) / 2
    baseline = (A4_MM[1] - margin_mm / 2) * MM - 0.35 * size
    return show_text("CJK", size, x, baseline, cjk_string(text))


def render_sheets(
    out: BinaryIO,
    labels: Iterable[tuple[str, str]],
    text: LabelText,
    layout: SheetLayout | None = None,
    artwork_png: bytes | None = None,
    notice: str | None = None,
) -> int:
    """Write a PDF of ``(code, url)`` labels to ``out``; returns how many were drawn."""
    job = SheetPdf(text, layout, artwork_png, notice)
    for chunk in job.chunks(labels):
        out.write(chunk)
    return job.labels_drawn
