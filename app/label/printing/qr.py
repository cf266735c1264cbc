"""QR symbols: the strongest error correction the symbol's size allows, a 4-module quiet zone.

Every print file (PNG, SVG, PDF sheets) is drawn from one module matrix, taken from zxing-cpp's
C++ encoder (many times faster than any pure-Python encoder; ``qrcode`` stands in where that
API is missing), at the level :func:`error_correction_for` picks. So a label's symbol is the same
whichever file it was printed from.

Why not a fixed level: the symbol's size (its version) is set by the text at level M, and within
that version the higher levels are free where the text still fits. A short label URL (up to 47
characters) fits version 3 (29 modules) at Q as at M. Measured with zxing-cpp on 200 printed
symbols (tests/label/test_qr_damage.py), a solid blot over 10 % of the symbol (finder patterns
spared) leaves 199 readable at the level chosen here and 116 at M. A longer URL (a GS1 Digital
Link of 68–90 characters) fits version 4 only at M: it stays at M rather than growing, because
a bigger symbol means smaller modules on the same label.

The text is encoded exactly as given: callers build upper-case URLs (``app.label.urls``) so
that the symbol uses alphanumeric mode and stays small, and a GS1 lot, which is case-sensitive,
must not be changed here.
"""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_ZONE_MODULES = 4
DARK, LIGHT = 0, 255
BASE_LEVEL = "M"  # the level that sets the symbol's version
STRONGER_LEVELS = ("H", "Q")  # tried strongest first, kept only if the version stays
_QRCODE_LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}
_HAS_ZXING_ENCODER = hasattr(zxingcpp, "create_barcode")  # zxing-cpp ≥ 2.3


def error_correction_for(text: str) -> str:
    """The highest of H, Q, M at which ``text`` keeps the symbol size it has at M."""
    return _symbol(text)[2]


def _symbol(text: str) -> tuple[int, bytes, str]:
    """(size, modules, level) of the symbol every renderer draws for ``text``."""
    size, modules = encode(text, BASE_LEVEL)
    for level in STRONGER_LEVELS:
        stronger = encode(text, level)
        if stronger[0] == size:
            return stronger[0], stronger[1], level
    return size, modules, BASE_LEVEL


def encode(text: str, level: str) -> tuple[int, bytes]:
    """(size, modules row by row from the top left, ``DARK`` or ``LIGHT``) at ``level``,
    without the quiet zone."""
    if not _HAS_ZXING_ENCODER:
        return _qrcode_matrix(text, level)
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=level)
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    # zxingcpp.Image implements the buffer protocol; its type stubs do not say so.
    return image.shape[0], bytes(memoryview(image))  # type: ignore[arg-type]


def _qrcode_matrix(text: str, level: str = BASE_LEVEL) -> tuple[int, bytes]:
    symbol = qrcode.QRCode(error_correction=_QRCODE_LEVELS[level], border=0)
    symbol.add_data(text)
    symbol.make(fit=True)
    rows = symbol.get_matrix()
    return len(rows), bytes(DARK if dark else LIGHT for row in rows for dark in row)


def qr_matrix(text: str) -> tuple[int, bytes]:
    """The symbol of one text, at the level :func:`error_correction_for` picks."""
    size, modules, _ = _symbol(text)
    return size, modules


def label_matrix(url: str, code: str) -> tuple[int, bytes]:
    """The symbol of one label of a print run, encoded once: the level is decided per URL
    template (the URL with its code masked), since every label of a batch shares it.

    The stand-in code is all letters, the longest a code can encode; a real code encodes the
    same except for a run of 13+ digits (an encoder may then switch to numeric mode, odds
    about 10⁻⁶), whose symbol can only come out smaller, never larger."""
    level = _template_level(url.replace(code, "A" * len(code)))
    return encode(url, level)


@lru_cache(maxsize=512)
def _template_level(template: str) -> str:
    return error_correction_for(template)


def _framed(text: str) -> tuple[int, Image.Image]:
    """(modules across, the symbol inside its quiet zone at one pixel a module)."""
    size, modules = qr_matrix(text)
    symbol = Image.frombytes("L", (size, size), modules)
    span = size + 2 * QUIET_ZONE_MODULES
    framed = Image.new("L", (span, span), LIGHT)
    framed.paste(symbol, (QUIET_ZONE_MODULES, QUIET_ZONE_MODULES))
    return span, framed


def qr_png(text: str, box_size: int = 10) -> bytes:
    """A black-on-white 1-bit PNG, ``box_size`` pixels a module."""
    span, framed = _framed(text)
    image = framed.resize((span * box_size,) * 2, Image.Resampling.NEAREST).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_svg(text: str) -> bytes:
    """An SVG document, 1 mm a module, on a white ground (a transparent quiet zone would
    vanish on a coloured package); one path of rectangles, a rectangle per run of dark
    modules in a row."""
    size, modules = qr_matrix(text)
    span, q = size + 2 * QUIET_ZONE_MODULES, QUIET_ZONE_MODULES
    runs = []
    for row in range(size):
        line = modules[row * size : (row + 1) * size]
        column = 0
        while (start := line.find(DARK, column)) >= 0:
            end = line.find(LIGHT, start)
            end = size if end < 0 else end
            x, y, x2 = start + q, row + q, end + q
            runs.append(f"M{x},{y}H{x2}V{y + 1}H{x}z")
            column = end
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{span}mm" height="{span}mm" '
        f'viewBox="0 0 {span} {span}" shape-rendering="crispEdges">'
        f'<rect width="{span}" height="{span}" fill="white"/>'
        f'<path fill="black" d="{"".join(runs)}"/></svg>\n'
    ).encode()
