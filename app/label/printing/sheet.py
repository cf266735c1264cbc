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
    MONO,
    MONO_ADVANCE,
    MONO_BOLD,
    cjk_font_object,
    standard_font_object,
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
from app.label.printing.qr import qr_matrix
from app.label.printing.template import LabelText, mark_side, template_ops
from app.label.printing.vector import module_strokes

__all__ = ["LabelText", "PrintCheckError", "SheetLayout", "SheetPdf", "render_sheets"]

CODE_SIZE_MAX = 7.0  # points
GROUPED_LENGTH = 24  # K3F9-ABCD-EFGH-JKMN-PQRS


class SheetPdf:
    """One print job: the label text, layout and mark, written as PDF by :meth:`chunks`."""

    def __init__(
        self, text: LabelText, layout: SheetLayout | None = None, artwork_png: bytes | None = None
    ) -> None:
        self.text, self.layout, self.artwork = text, layout or SheetLayout(), artwork_png
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
            self._qr_head(qr_matrix(first[1])[0])
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
        """Content streams, one per page; a blank page if there are no labels at all."""
        per_page, ops = len(self.origins), list[str]()
        for code, url in labels:
            ops.append(self._label_ops(len(ops), code, url))
            self.labels_drawn += 1
            if len(ops) == per_page:
                yield "".join(ops).encode("latin-1")
                ops = []
        if ops or not self.labels_drawn:
            yield "".join(ops).encode("latin-1")

    def _label_ops(self, slot: int, code: str, url: str) -> str:
        if not (code.isascii() and code.isalnum()):  # it goes into the page as a literal string
            raise ValueError(f"not a label code: {code!r}")
        size, modules = qr_matrix(url)
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
        return writer.add(f"<< /Font << /B {bold} 0 R >> /XObject << /T {template} 0 R >> >>")

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


def render_sheets(
    out: BinaryIO,
    labels: Iterable[tuple[str, str]],
    text: LabelText,
    layout: SheetLayout | None = None,
    artwork_png: bytes | None = None,
) -> int:
    """Write a PDF of ``(code, url)`` labels to ``out``; returns how many were drawn."""
    job = SheetPdf(text, layout, artwork_png)
    for chunk in job.chunks(labels):
        out.write(chunk)
    return job.labels_drawn
