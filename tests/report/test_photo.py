import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from app.report.exceptions import PhotoRejected
from app.report.photo import MAX_PHOTO_BYTES, sanitise_photo

GPS_IFD, MAKE, ORIENTATION = 0x8825, 0x010F, 0x0112


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (41.0, 5.0, 30.0), 3: "E", 4: (108.0, 16.0, 12.0)}
    return encode(Image.new("RGB", (64, 48), "orange"), "JPEG", exif=exif)


def png_with_header_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims another size: a decompression bomb's calling card."""
    data = bytearray(encode(Image.new("L", (8, 8)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def rejected(data: bytes, **options) -> str:
    with pytest.raises(PhotoRejected) as caught:
        sanitise_photo(data, **options)
    assert caught.value.status == 422
    return caught.value.code


def test_exif_and_gps_are_gone() -> None:
    original = jpeg_with_gps()
    assert reopen(original).getexif().get_ifd(GPS_IFD)
    clean = sanitise_photo(original)
    assert (clean.media_type, clean.width, clean.height) == ("image/jpeg", 64, 48)
    image = reopen(clean.content)
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in clean.content and b"Exif" not in clean.content


def test_jpeg_comment_xmp_and_icc_profile_are_gone() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(
        Image.new("RGB", (30, 30), "red"),
        "JPEG",
        comment=b"owner: Zhang San 13800000000",
        xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>",
        icc_profile=profile,
    )
    assert b"Zhang San" in original and "icc_profile" in reopen(original).info
    clean = sanitise_photo(original).content
    assert b"Zhang San" not in clean and b"secret-xmp" not in clean
    assert not {"comment", "xmp", "icc_profile", "exif"} & set(reopen(clean).info)


def test_png_text_and_exif_chunks_are_gone() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 五原县某街 1 号")
    info.add_text("Author", "Zhang San", zip=True)
    info.add_itxt("Description", "家庭住址", lang="zh")
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    original = encode(Image.new("RGBA", (20, 20), (0, 0, 255, 128)), "PNG", pnginfo=info, exif=exif)
    assert reopen(original).text and b"PhoneMaker" in original
    clean = sanitise_photo(original)
    assert clean.media_type == "image/png"
    image = reopen(clean.content)
    assert image.mode == "RGBA" and image.getpixel((0, 0)) == (0, 0, 255, 128)  # alpha kept
    assert not image.info and not image.getexif() and not getattr(image, "text", {})
    assert b"Zhang" not in clean.content and b"PhoneMaker" not in clean.content


def test_exif_orientation_is_applied_before_it_is_dropped() -> None:
    image = Image.new("RGB", (40, 20), "red")
    image.paste((0, 0, 255), (20, 0, 40, 20))  # left red, right blue
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: show it rotated 90° clockwise
    clean = sanitise_photo(encode(image, "JPEG", exif=exif))
    assert (clean.width, clean.height) == (20, 40)
    upright = reopen(clean.content)
    red, _, blue = upright.getpixel((10, 5))
    assert red > 200 and blue < 60  # the left side is now on top
    red, _, blue = upright.getpixel((10, 35))
    assert blue > 200 and red < 60


def test_large_photos_are_scaled_down() -> None:
    clean = sanitise_photo(encode(Image.new("RGB", (4096, 1024), "green"), "JPEG"))
    assert (clean.width, clean.height) == (2048, 512) == reopen(clean.content).size
    small = sanitise_photo(encode(Image.new("RGB", (300, 200), "green"), "PNG"), max_side=100)
    assert (small.width, small.height) == (100, 67)


def test_the_content_decides_the_type_not_the_name() -> None:
    assert sanitise_photo(encode(Image.new("P", (10, 10)), "PNG")).media_type == "image/png"


def test_multi_picture_phone_jpegs_are_jpegs() -> None:
    frames = [Image.new("RGB", (32, 24), colour) for colour in ("red", "blue")]
    mpo = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert reopen(mpo).format == "MPO"
    assert sanitise_photo(mpo).media_type == "image/jpeg"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "WEBP"])
def test_other_image_types_are_refused(fmt: str) -> None:
    assert rejected(encode(Image.new("RGB", (10, 10)), fmt)) == "photo_type"


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, named photo.jpg",
        b"GIF89a" + b"\x00" * 100,
        b"",
        jpeg_with_gps()[:200],  # truncated
        encode(Image.new("RGB", (64, 64), "red"), "PNG")[:-30],  # truncated
    ],
)
def test_unreadable_files_are_refused(data: bytes) -> None:
    assert rejected(data) == "photo_corrupt"


def test_a_png_with_a_broken_checksum_is_refused() -> None:
    data = bytearray(encode(Image.new("RGB", (16, 16), "red"), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF
    assert rejected(bytes(data)) == "photo_corrupt"


def test_too_many_bytes_is_refused_before_decoding() -> None:
    assert rejected(b"\xff\xd8" + b"0" * MAX_PHOTO_BYTES) == "photo_too_large"
    assert rejected(jpeg_with_gps(), max_bytes=100) == "photo_too_large"


@pytest.mark.parametrize("size", [(8_000, 6_000), (60_000, 60_000)])
def test_decompression_bombs_are_refused_from_the_header(size: tuple[int, int]) -> None:
    # 48 Mpx is over our limit; 3.6 Gpx is over Pillow's own, which raises its own error
    assert rejected(png_with_header_size(*size)) == "photo_too_large"
