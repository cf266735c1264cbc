"""A consumer's photo: only real JPEG or PNG, at most 5 MB, decoded and re-encoded by Pillow,
so no EXIF, GPS or other metadata of the sender's phone is ever stored."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import DomainError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048


class PhotoRejected(DomainError):
    status = 422

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class SanitisedPhoto:
    content: bytes
    media_type: str


def sanitise_photo(data: bytes) -> SanitisedPhoto:
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("photo_too_large", "the photo is larger than 5 MB")
    image = _open(data)
    image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image.format == "PNG" or _original_format(data) == "PNG":
        image.save(out, format="PNG", optimize=True)
        return SanitisedPhoto(out.getvalue(), "image/png")
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return SanitisedPhoto(out.getvalue(), "image/jpeg")


def _original_format(data: bytes) -> str | None:
    with Image.open(io.BytesIO(data)) as probe:
        return probe.format


def _open(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG"):
                raise PhotoRejected("photo_type", "only JPEG and PNG photos are accepted")
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRejected("photo_too_large", "the photo has too many pixels")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoRejected(
            "photo_corrupt", "the file is not a readable JPEG or PNG image"
        ) from exc
    return image
