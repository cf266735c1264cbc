"""A consumer's photo: only real JPEG or PNG, at most 5 MB, decoded and re-encoded from pixels
alone, so no EXIF, GPS, XMP, comment, text chunk or ICC profile of the sender's phone is kept.

The file is judged by its content, never by its name or declared type. Decoding is bounded
before it starts: the byte size is checked first, then the pixel count from the header (a 5 MB
PNG can inflate to gigabytes), and large JPEGs are decoded at a reduced scale straight away.
Decoding takes tens of milliseconds for a phone photo and about a second for a 40-megapixel PNG
(measured: it stalled ``/healthz`` for 1,055 ms when done on the event loop), so the service calls
:func:`sanitise_photo_in_worker`, which runs it in a worker thread, at most two at a time: each
decode may hold a few hundred MB of pixels, and the machine has few cores to give.

The pixel bound (``MAX_PIXELS``, 40 MP) is checked from the header before any pixel is decoded;
it is far below Pillow's own ``Image.MAX_IMAGE_PIXELS`` (about 89 MP, an error only at twice
that), which stays in force as a second guard.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import anyio
from PIL import Image, ImageCms, ImageOps

from app.report.exceptions import PhotoRejected

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # above any phone camera that fits in 5 MB
MAX_SIDE = 2048  # plenty to read a label; keeps stored photos small
JPEG_QUALITY = 85
# MPO is how Pillow names the JPEGs many phones write (a JPEG with extra frames appended).
_ACCEPTED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG"}
_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# What Pillow's plugins raise on malformed input (UnidentifiedImageError is an OSError).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_DECODERS = anyio.CapacityLimiter(2)


@dataclass(frozen=True)
class SanitisedPhoto:
    content: bytes
    media_type: str
    width: int
    height: int


async def sanitise_photo_in_worker(data: bytes) -> SanitisedPhoto:
    """:func:`sanitise_photo` off the event loop, so other requests go on being served."""
    return await anyio.to_thread.run_sync(sanitise_photo, data, limiter=_DECODERS)


def sanitise_photo(
    data: bytes, max_bytes: int = MAX_PHOTO_BYTES, max_side: int = MAX_SIDE
) -> SanitisedPhoto:
    if len(data) > max_bytes:
        raise PhotoRejected("photo_too_large", f"the photo is larger than {_megabytes(max_bytes)}")
    kind = _probe(data)
    image = _decode(data, max_side)
    # Bicubic is antialiased in Pillow and much cheaper than Lanczos on a photo this size.
    image.thumbnail((max_side, max_side), Image.Resampling.BICUBIC)
    image = ImageOps.exif_transpose(image)  # upright now, because the EXIF saying how is dropped
    content = _encode(_pixels_only(image, kind), kind)
    return SanitisedPhoto(content, _MEDIA_TYPES[kind], image.width, image.height)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _probe(data: bytes) -> str:
    """The real format and a structural check, from the header, before any pixel is decoded."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = _ACCEPTED.get(probe.format or "")
            if kind is None:
                raise PhotoRejected("photo_type", "only JPEG and PNG photos are accepted")
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_many_pixels()
            probe.verify()  # CRCs and chunk structure; the image cannot be used afterwards
    except Image.DecompressionBombError as exc:  # Pillow's own, far higher, limit
        raise _too_many_pixels() from exc
    except _DECODE_ERRORS as exc:
        raise _corrupt() from exc
    return kind


def _decode(data: bytes, max_side: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        # JPEG only: libjpeg decodes at 1/2, 1/4 or 1/8 scale, still at least max_side
        image.draft("RGB", (max_side, max_side))
        image.load()
    except (*_DECODE_ERRORS, Image.DecompressionBombError) as exc:
        raise _corrupt() from exc
    return image


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected("photo_too_large", "the photo has too many pixels")


def _corrupt() -> PhotoRejected:
    return PhotoRejected("photo_corrupt", "the file is not a readable JPEG or PNG image")


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as the phone meant them (e.g. Display P3), before the profile is dropped."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: keep the pixels as they are
    return converted if converted is not None else image


def _pixels_only(image: Image.Image, kind: str) -> Image.Image:
    """A fresh image of the pixels and nothing else. Pillow copies ``info`` (comments, ICC,
    text chunks) along with the image and writes some of it back on save unless told not to."""
    image = _to_srgb(image)
    has_alpha = image.has_transparency_data
    if kind == "JPEG":
        mode = "L" if image.mode == "L" else "RGB"
    else:
        mode = "RGBA" if has_alpha else ("L" if image.mode == "L" else "RGB")
    clean = image.convert(mode)
    clean.info = {}
    return clean


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, format="PNG", compress_level=6)
    return out.getvalue()
