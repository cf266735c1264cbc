"""The GI mark artwork a regulator uploads: PNG checked by decoding it, SVG parsed safely.

SVG is XML from outside, printed on every label: it is parsed with defusedxml (no entity
expansion, no external references) and refused if it could run script in a browser.
"""

from __future__ import annotations

import io

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

from app.registry.exceptions import ArtworkRejected

MAX_ARTWORK_BYTES = 512 * 1024
MAX_ARTWORK_PIXELS = 4096 * 4096
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def validate_artwork(data: bytes) -> str:
    """The media type of acceptable artwork, or :class:`ArtworkRejected` saying why not."""
    if not data:
        raise ArtworkRejected("the artwork file is empty")
    if len(data) > MAX_ARTWORK_BYTES:
        raise ArtworkRejected(f"the artwork is {len(data)} bytes; the limit is {MAX_ARTWORK_BYTES}")
    if data.startswith(PNG_SIGNATURE):
        _check_png(data)
        return "image/png"
    _check_svg(data)
    return "image/svg+xml"


def _check_png(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_ARTWORK_PIXELS:
                raise ArtworkRejected("the PNG is larger than 4096 × 4096 pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ArtworkRejected("the PNG file is damaged or not a PNG") from exc


def _check_svg(data: bytes) -> None:
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        raise ArtworkRejected("the artwork is neither a PNG nor a well-formed SVG") from exc
    if not root.tag.endswith("svg"):
        raise ArtworkRejected("the artwork is neither a PNG nor an SVG image")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject"):
            raise ArtworkRejected(f"the SVG contains <{tag}>, which is not allowed")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or "javascript:" in value.lower():
                raise ArtworkRejected(
                    "the SVG contains script in an attribute, which is not allowed"
                )
