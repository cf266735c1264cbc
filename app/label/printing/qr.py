"""QR symbols: error correction M, a 4-module quiet zone.

``qrcode`` draws the single images (PNG, SVG) a licensee downloads. The bulk path for print
sheets only needs the module matrix, and takes it from zxing-cpp's C++ encoder, which is many
times faster than any pure-Python encoder; ``qrcode`` stands in where that API is missing.

The text is encoded exactly as given: callers build upper-case URLs (``app.label.urls``) so
that the symbol uses alphanumeric mode and stays small, and a GS1 lot, which is case-sensitive,
must not be changed here.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
import zxingcpp
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE_MODULES = 4
DARK, LIGHT = 0, 255
_HAS_ZXING_ENCODER = hasattr(zxingcpp, "create_barcode")  # zxing-cpp ≥ 2.3


def qr_png(url: str, box_size: int = 10) -> bytes:
    """A black-on-white PNG, ``box_size`` pixels a module."""
    image = qrcode.make(
        url, error_correction=ERROR_CORRECT_M, box_size=box_size, border=QUIET_ZONE_MODULES
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str) -> bytes:
    """An SVG document, 1 mm a module, on a white ground: a transparent quiet zone would
    vanish on a coloured package."""
    image = qrcode.make(
        url,
        error_correction=ERROR_CORRECT_M,
        border=QUIET_ZONE_MODULES,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    svg: bytes = image.to_string(encoding="utf-8")
    return svg


def qr_matrix(url: str) -> tuple[int, bytes]:
    """(size, modules row by row from the top left, ``DARK`` or ``LIGHT``), no quiet zone."""
    if not _HAS_ZXING_ENCODER:
        return _qrcode_matrix(url)
    symbol = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    # zxingcpp.Image implements the buffer protocol; its type stubs do not say so.
    return image.shape[0], bytes(memoryview(image))  # type: ignore[arg-type]


def _qrcode_matrix(url: str) -> tuple[int, bytes]:
    symbol = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    symbol.add_data(url)
    symbol.make(fit=True)
    rows = symbol.get_matrix()
    return len(rows), bytes(DARK if dark else LIGHT for row in rows for dark in row)
