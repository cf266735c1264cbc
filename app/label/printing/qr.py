"""QR symbols. ``qrcode`` draws single images; the bulk path takes the module matrix from
zxing-cpp's C++ encoder, which is about 20× faster than any pure-Python encoder."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE_MODULES = 4


def qr_png(url: str, box_size: int = 10) -> bytes:
    image = qrcode.make(
        url, error_correction=ERROR_CORRECT_M, box_size=box_size, border=QUIET_ZONE_MODULES
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str, box_size: int = 10) -> bytes:
    image = qrcode.make(
        url,
        error_correction=ERROR_CORRECT_M,
        box_size=box_size,
        border=QUIET_ZONE_MODULES,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_matrix(url: str) -> tuple[int, bytes]:
    """(size, modules row by row, 0 = dark) at error-correction level M, no quiet zone."""
    symbol = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    return image.shape[0], bytes(memoryview(image))  # type: ignore[arg-type]  # it is a buffer


def qr_image_mask(size: int, modules: bytes) -> str:
    """The symbol as a PDF inline 1-bit image mask, ASCII-hex encoded, filling the unit square
    (the caller's transform scales it). A mask paints each dark module as a sharp square in the
    fill colour at any printer resolution, and packing the bits runs in C (Pillow), so a sheet
    costs little more than encoding its symbols."""
    bits = Image.frombytes("L", (size, size), modules).convert("1").tobytes().hex()
    return f"BI /W {size} /H {size} /IM true /BPC 1 /F /AHx ID {bits}> EI"
