"""The GI special mark: the product's artwork as a PDF image, or a neutral emblem without one.

Either way it becomes one form XObject per file that every label draws by reference, so the
image bytes are written once however many labels there are.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from app.label.printing.fonts import CJK_FONT, cjk_string, show_text, text_width
from app.label.printing.layout import PrintCheckError
from app.label.printing.pdf import PdfWriter

# 600 px over a 10 mm mark is ~1500 dpi: sharper than any label press, and a 5 MB upload
# does not become a 5 MB image in every file.
MAX_ARTWORK_PX = 600
PLACEHOLDER_TEXT = "地理标志"
_BEZIER_CIRCLE = 0.5523  # control-point distance for a quarter circle, in radii


def add_mark_form(writer: PdfWriter, side: float, artwork: bytes | None, cjk_font: int) -> int:
    """A form XObject ``side`` points square holding the mark; returns its object number."""
    resources = f"/Font << /CJK {cjk_font} 0 R >>"
    if artwork is None:
        ops = _placeholder_ops(side)
    else:
        image, aspect = _add_image(writer, artwork)
        resources = f"/XObject << /Art {image} 0 R >>"
        ops = _fitted_image_ops(side, aspect)
    entries = f"/Type /XObject /Subtype /Form /BBox [0 0 {side:.2f} {side:.2f}] "
    return writer.add_stream(entries + f"/Resources << {resources} >>", ops.encode("latin-1"))


def _fitted_image_ops(side: float, aspect: float) -> str:
    """Scale the unit-square image into the square, keeping its aspect ratio, centred."""
    width, height = (side, side / aspect) if aspect >= 1 else (side * aspect, side)
    x, y = (side - width) / 2, (side - height) / 2
    return f"q {width:.3f} 0 0 {height:.3f} {x:.3f} {y:.3f} cm /Art Do Q\n"


def _placeholder_ops(side: float) -> str:
    """A thin circle with 地理标志 across it: clearly a stand-in, never mistaken for the mark."""
    r, c = side / 2 - 0.5, side / 2
    k = r * _BEZIER_CIRCLE
    circle = (
        f"0.6 w {c + r:.2f} {c:.2f} m "
        f"{c + r:.2f} {c + k:.2f} {c + k:.2f} {c + r:.2f} {c:.2f} {c + r:.2f} c "
        f"{c - k:.2f} {c + r:.2f} {c - r:.2f} {c + k:.2f} {c - r:.2f} {c:.2f} c "
        f"{c - r:.2f} {c - k:.2f} {c - k:.2f} {c - r:.2f} {c:.2f} {c - r:.2f} c "
        f"{c + k:.2f} {c - r:.2f} {c + r:.2f} {c - k:.2f} {c + r:.2f} {c:.2f} c h S\n"
    )
    size = side / 5
    x = c - text_width(PLACEHOLDER_TEXT, CJK_FONT, size) / 2
    return circle + show_text("CJK", size, x, c - size / 3, cjk_string(PLACEHOLDER_TEXT))


def _add_image(writer: PdfWriter, artwork: bytes) -> tuple[int, float]:
    """The artwork as an RGB image XObject (with a soft mask if it has transparency)."""
    image = _open(artwork)
    image.thumbnail((MAX_ARTWORK_PX, MAX_ARTWORK_PX))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    rgba = image.convert("RGBA" if has_alpha else "RGB")
    entries = f"/Type /XObject /Subtype /Image /Width {rgba.width} /Height {rgba.height} "
    entries += "/BitsPerComponent 8 /ColorSpace /DeviceRGB"
    if has_alpha:
        alpha = rgba.getchannel("A")
        mask_entries = entries.replace("/DeviceRGB", "/DeviceGray")
        entries += f" /SMask {writer.add_stream(mask_entries, alpha.tobytes())} 0 R"
        rgba = rgba.convert("RGB")
    return writer.add_stream(entries, rgba.tobytes()), rgba.width / rgba.height


def _open(artwork: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(artwork))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        # Printing a stand-in on a real run would waste it: refuse, and say why.
        raise PrintCheckError(f"the GI mark artwork is not a readable image ({exc})") from exc
    return image
