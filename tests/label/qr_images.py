"""Print files as a scanner sees them: SVG rasterised by a real renderer (resvg), PDF pages
by pdfium, and QR symbols read back by zxing-cpp."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdfium2
import resvg_py
import zxingcpp
from PIL import Image


def svg_image(svg: bytes, pixels_per_module: int = 8) -> Image.Image:
    """The SVG drawn by resvg at ``pixels_per_module`` (its viewBox is in modules)."""
    span = int(float(ET.fromstring(svg).get("viewBox").split()[2]))
    # dpi: the document is sized in mm, which resvg converts only at a stated resolution
    png = resvg_py.svg_to_bytes(svg_string=svg.decode(), dpi=96.0, width=span * pixels_per_module)
    return Image.open(io.BytesIO(bytes(png))).convert("L")


def pdf_pages(pdf: bytes, dpi: float = 300) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]


def pdf_text(pdf: bytes) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))


def read_all(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def decoded_texts(image: Image.Image) -> list[str]:
    return [result.text for result in read_all(image)]
