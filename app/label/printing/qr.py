"""QR symbols. ``qrcode`` draws single images; the bulk path takes the module matrix from
zxing-cpp's C++ encoder, which is about 20× faster than any pure-Python encoder."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
import zxingcpp
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


def dark_runs(size: int, modules: bytes) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length): one rectangle per run
    keeps a sheet of a thousand symbols small and quick to draw."""
    runs = []
    for row in range(size):
        line = modules[row * size : (row + 1) * size]
        col = 0
        while col < size:
            if line[col] == 0:
                start = col
                while col < size and line[col] == 0:
                    col += 1
                runs.append((row, start, col - start))
            else:
                col += 1
    return runs
