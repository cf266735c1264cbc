"""Fonts for the label sheets, their PDF dictionaries, widths and text-showing operators.

Chinese text uses Adobe's STSong-Light, which every PDF reader ships, as a CID font that
reportlab describes (dictionary and widths); nothing is embedded, so the file stays small.
Codes and the USCC use the standard Courier faces: monospaced, easy to compare character by
character with what a consumer sees on the verify page.
"""

from __future__ import annotations

import copy

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase._cidfontdata import CIDFontInfo
from reportlab.pdfbase.cidfonts import UnicodeCIDFont, structToPDF
from reportlab.pdfbase.pdfdoc import PDFDocument

CJK_FONT = "STSong-Light"
CJK_ENCODING = "UniGB-UCS2-H"  # what reportlab uses too: text as UTF-16BE code units
MONO, MONO_BOLD = "Courier", "Courier-Bold"
MONO_ADVANCE = 0.6  # Courier's advance width per character, in em
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def cjk_font_object() -> bytes:
    """The Type0 font dictionary for STSong-Light, as reportlab writes it."""
    entries = copy.deepcopy(CIDFontInfo[CJK_FONT])
    entries.pop("Name", None)  # optional, and reportlab leaves a template placeholder in it
    entries["Encoding"] = "/" + CJK_ENCODING
    formatted: bytes = structToPDF(entries).format(PDFDocument())
    return formatted


def standard_font_object(base_font: str) -> str:
    return f"<< /Type /Font /Subtype /Type1 /BaseFont /{base_font} /Encoding /WinAnsiEncoding >>"


def text_width(text: str, font: str, size: float) -> float:
    """Advance width in points."""
    if font in (MONO, MONO_BOLD):
        return len(text) * MONO_ADVANCE * size
    width: float = pdfmetrics.stringWidth(text, font, size)
    return width


def cjk_string(text: str) -> str:
    """A PDF hex string in the CJK font's encoding."""
    return "<" + text.encode("utf-16-be").hex() + ">"


def ascii_string(text: str) -> str:
    """A PDF literal string for the standard fonts (their WinAnsi encoding covers ASCII)."""
    text = text.encode("ascii", "replace").decode()
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def show_text(resource: str, size: float, x: float, y: float, string: str) -> str:
    """Operators drawing an already encoded string with its baseline starting at (x, y)."""
    return f"BT /{resource} {size:.2f} Tf {x:.2f} {y:.2f} Td {string} Tj ET\n"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines no wider than ``width``: break at spaces, so numbers stay whole; break inside a
    word (Chinese has no spaces) only where the word alone is too wide."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, font, size) <= width:
            lines[-1] = candidate
        else:
            lines.extend(_split_word(word, font, size, width))
    return lines


def _split_word(word: str, font: str, size: float, width: float) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and text_width(current + char, font, size) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]
