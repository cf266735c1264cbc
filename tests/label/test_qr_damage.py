"""Printed labels survive damage: the QR symbols of the print files (PNG, SVG, PDF sheets),
drawn at the error-correction level ``qr.error_correction_for`` picks, are damaged with fixed
seeds and read back with zxing-cpp.

200 symbols: 100 short URLs ``HTTPS://GI.EXAMPLE.CN/V/CODE`` (44 characters: version 3 at Q)
and 100 GS1 Digital Link URIs ``HTTPS://GI.NMG.CN/01/GTIN/10/WY26/21/CODE`` (67 characters:
version 4 at Q). Each is drawn at 8 pixels a module with its quiet zone (the PDF page rendered
by pdfium at 600 dpi and each label's QR square cut out and scaled to that), then damaged:

    blur        Gaussian blur, sigma 0.4 module
    noise       uniform per-pixel noise of ±80 grey levels
    blot        a solid black square over 10 % of the symbol's area (its n × n modules), at a
                seeded position inside the symbol that spares the three finder patterns: a
                scanner locates a symbol by its finders, and a blot on one makes it unreadable
                at every error-correction level, so it says nothing about the level (the
                figure with finders not spared is recorded too)
    downsample  to 3 pixels a module (area average, as a camera sensor)
    combined    the four in that order (recorded, not asserted)

Recorded on 2026-11-30 (zxing-cpp 3.1.1, resvg-py 0.5, pypdfium2 5.15): symbols of the 200
that read back as exactly their URL. ``pytest -s`` prints the current figures.

    | damage                          | PNG | SVG | PDF | the same 200 at M (matrix) |
    |---------------------------------|-----|-----|-----|----------------------------|
    | blur                            | 200 | 200 | 200 |                            |
    | noise                           | 200 | 200 | 200 |                            |
    | blot (finders spared)           | 199 | 199 | 199 | 116                        |
    | downsample                      | 200 | 200 | 200 |                            |
    | all four combined (recorded)    |   3 |   3 |   1 |   0                        |
    | blot anywhere (recorded)        | 137 | 137 | 137 |  71                        |
    | long GS1 URIs at M, blot        |     |     |     |  56 of 100                 |

All four at once defeat zxing-cpp at either level: the blur leaves grey edges that ±80 noise
breaks into speckle, which its binariser (no denoising, unlike a phone camera pipeline) reads
as module edges (blur and noise together, without the rest, read none of 50 in a trial).

A GS1 URI of 68–90 characters (a longer host or lot, e.g. ``…/10/WY-2026-009/…`` on
``GI.EXAMPLE.CN``) fits version 4 only at M: there is no free level to gain, and its symbols
fare as M symbols do under the blot; the test records that figure and asserts nothing of it.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, ImageFilter
from qr_images import decoded_texts, pdf_pages, svg_image

from app.label.code import ALPHABET, check_character
from app.label.printing import qr
from app.label.printing.layout import A4_MM, CODE_LINE_MM, MM, PADDING_MM
from app.label.printing.sheet import LabelText, SheetLayout, render_sheets

pytestmark = pytest.mark.dbless

PPM = 8  # pixels a module of the clean symbol images
PDF_DPI = 600
SCANNER_PPM = 3
BLOT_SHARE = 0.10
REQUIRED = 0.95
COUNT = 100  # of each URL form
TEXT = LabelText(
    uscc="91150821MA0N1K2X3X",
    legal_line="五原向日葵 注册号 第10358831号",
    gi_name="五原向日葵",
    lot="WY26",
)


def codes(count: int, seed: int) -> list[str]:
    """Well-formed label codes from a fixed seed (the tag does not matter to a scanner)."""
    rng = random.Random(seed)
    bodies = ["2" + "".join(rng.choice(ALPHABET) for _ in range(18)) for _ in range(count)]
    return [body + check_character(body) for body in bodies]


SHORT = [f"HTTPS://GI.EXAMPLE.CN/V/{code}" for code in codes(COUNT, 1)]
GS1 = [f"HTTPS://GI.NMG.CN/01/06901234567892/10/WY26/21/{code}" for code in codes(COUNT, 2)]
LONG_GS1 = [
    f"HTTPS://GI.EXAMPLE.CN/01/06901234567892/10/WY-2026-009/21/{code}" for code in codes(COUNT, 3)
]


def code_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


SYMBOLS = [(code_of(url), url) for url in SHORT + GS1]

# -- clean images, one per renderer --------------------------------------------------------


def matrix_image(size: int, modules: bytes) -> np.ndarray:
    framed = np.full((size + 8, size + 8), qr.LIGHT, np.uint8)
    framed[4:-4, 4:-4] = np.frombuffer(modules, np.uint8).reshape(size, size)
    return np.kron(framed, np.ones((PPM, PPM), np.uint8))


def png_images(urls: list[str]) -> list[np.ndarray]:
    return [np.array(Image.open(io.BytesIO(qr.qr_png(u, box_size=PPM))).convert("L")) for u in urls]


def svg_images(urls: list[str]) -> list[np.ndarray]:
    return [np.array(svg_image(qr.qr_svg(url), PPM)) for url in urls]


def pdf_images(symbols: list[tuple[str, str]]) -> list[np.ndarray]:
    """Each label's QR square (quiet zone included) cut from the rendered sheets."""
    layout = SheetLayout()
    out = io.BytesIO()
    render_sheets(out, symbols, TEXT, layout)
    scale, side = PDF_DPI / 72, layout.qr_side_mm * MM
    origins, images = layout.origins(), []
    pages = pdf_pages(out.getvalue(), PDF_DPI)
    for index, (_, url) in enumerate(symbols):
        page = pages[index // len(origins)]
        x, y = origins[index % len(origins)]
        left = (x + PADDING_MM * MM) * scale
        top = (A4_MM[1] * MM - y - (PADDING_MM + CODE_LINE_MM) * MM - side) * scale
        box = (left, top, left + side * scale, top + side * scale)
        square = page.crop(tuple(round(v) for v in box))
        span = (qr.qr_matrix(url)[0] + 8) * PPM
        images.append(np.array(square.resize((span, span), Image.Resampling.LANCZOS)))
    return images


# -- damage -----------------------------------------------------------------------------------

Damage = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def blur(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.array(Image.fromarray(image).filter(ImageFilter.GaussianBlur(0.4 * PPM)))


def noise(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noisy = image.astype(np.int16) + rng.integers(-80, 81, image.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def downsample(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    side = round(image.shape[0] * SCANNER_PPM / PPM)
    return np.array(Image.fromarray(image).resize((side, side), Image.Resampling.BOX))


def _blot(image: np.ndarray, rng: np.random.Generator, spare_finders: bool) -> np.ndarray:
    n = image.shape[0] // PPM - 8  # modules across the symbol
    side = (BLOT_SHARE * n * n) ** 0.5
    while True:
        x, y = rng.uniform(0, n - side, 2)
        if not spare_finders or not any(
            x < fx + 8 and x + side > fx and y < fy + 8 and y + side > fy
            for fx, fy in ((0, 0), (n - 8, 0), (0, n - 8))  # finder + separator, 8 × 8
        ):
            break
    left, top, width = round((4 + x) * PPM), round((4 + y) * PPM), round(side * PPM)
    blotted = image.copy()
    blotted[top : top + width, left : left + width] = 0
    return blotted


def blot(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return _blot(image, rng, spare_finders=True)


def blot_anywhere(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return _blot(image, rng, spare_finders=False)


def combined(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return downsample(blot(noise(blur(image, rng), rng), rng), rng)


ALONE: dict[str, Damage] = {"blur": blur, "noise": noise, "blot": blot, "downsample": downsample}
RECORDED: dict[str, Damage] = {"combined": combined, "blot anywhere": blot_anywhere}


def decoded(images: list[np.ndarray], urls: list[str], damage: Damage, seed: int) -> int:
    """How many damaged symbols read back as exactly their URL."""
    hits = 0
    for index, (image, url) in enumerate(zip(images, urls, strict=True)):
        rng = np.random.default_rng([seed, index])
        hits += decoded_texts(Image.fromarray(damage(image, rng))) == [url]
    return hits


RENDERERS = {
    "png": lambda: png_images([url for _, url in SYMBOLS]),
    "svg": lambda: svg_images([url for _, url in SYMBOLS]),
    "pdf": lambda: pdf_images(SYMBOLS),
}


def test_the_chosen_level_is_the_strongest_that_keeps_the_version() -> None:
    for url in SHORT + GS1:
        size_at_m = qr.encode(url, "M")[0]
        assert qr.error_correction_for(url) == "Q" and qr.qr_matrix(url)[0] == size_at_m
    assert all(qr.error_correction_for(url) == "M" for url in LONG_GS1)


@pytest.mark.parametrize("renderer", list(RENDERERS))
def test_printed_symbols_survive_each_damage_alone(renderer: str) -> None:
    urls = [url for _, url in SYMBOLS]
    images = RENDERERS[renderer]()
    assert decoded(images, urls, lambda image, _: image, 0) == len(urls)  # clean: all read
    damages = enumerate({**ALONE, **RECORDED}.items(), start=1)
    figures = {name: decoded(images, urls, damage, seed) for seed, (name, damage) in damages}
    print(f"\n{renderer}: decoded of {len(urls)}: {figures}")
    assert all(figures[name] >= REQUIRED * len(urls) for name in ALONE), figures


def test_the_same_symbols_at_level_m_fare_worse_under_the_blot() -> None:
    urls = [url for _, url in SYMBOLS]
    chosen = [matrix_image(*qr.qr_matrix(url)) for url in urls]
    at_m = [matrix_image(*qr.encode(url, "M")) for url in urls]
    seed = list(ALONE).index("blot") + 1
    figures = {"chosen": decoded(chosen, urls, blot, seed), "M": decoded(at_m, urls, blot, seed)}
    long_gs1 = [matrix_image(*qr.qr_matrix(url)) for url in LONG_GS1]
    figures["long GS1 (M)"] = decoded(long_gs1, LONG_GS1, blot, seed)
    for name, damage in RECORDED.items():
        figures[f"{name}, M"] = decoded(at_m, urls, damage, 99)
    print(f"\nblot, decoded of {len(urls)} (long GS1: of {len(LONG_GS1)}): {figures}")
    assert figures["chosen"] >= REQUIRED * len(urls) > figures["M"], figures
