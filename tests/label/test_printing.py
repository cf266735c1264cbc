import csv
import io
import re
import xml.etree.ElementTree as ET

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from qr_images import pdf_pages, read_all, svg_image

from app.label.code import LabelCodec, format_grouped
from app.label.printing import qr
from app.label.printing.csv_export import csv_lines
from app.label.printing.layout import check_qr_fit
from app.label.printing.sheet import (
    LabelText,
    PrintCheckError,
    SheetLayout,
    SheetPdf,
    render_sheets,
)
from app.label.printing.vector import module_strokes
from app.label.urls import verification_url

URL = "HTTPS://GI.EXAMPLE.CN/V/1ABCDEFGHJKMNPQRSTVW"
GS1_URL = "HTTPS://GI.EXAMPLE.CN/01/06901234567892/10/wy-2026-009/21/1ABCDEFGHJKMNPQRSTVW"
TEXT = LabelText(
    uscc="91150821MA0N1K2X3X",
    legal_line="五原向日葵 注册号 第10358831号",
    gi_name="五原向日葵",
    lot="WY-2026-001",
)


@pytest.fixture(scope="module")
def labels() -> list[tuple[str, str]]:
    codes = LabelCodec({"1": b"k" * 32}, "1").mint_many(30)
    return [(code, verification_url("https://gi.example.cn", code)) for code in codes]


def decode(image: Image.Image) -> set[str]:
    return {result.text for result in zxingcpp.read_barcodes(image)}


def matrix_image(size: int, modules: bytes, scale: int = 8) -> Image.Image:
    """A bitmap of the symbol with a 4-module quiet zone, as a scanner would see it."""
    symbol = Image.frombytes("L", (size, size), modules)
    framed = Image.new("L", (size + 8, size + 8), 255)
    framed.paste(symbol, (4, 4))
    return framed.resize(((size + 8) * scale,) * 2, Image.Resampling.NEAREST)


# -- single symbols ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, GS1_URL])
def test_png_decodes_to_exactly_the_url(url) -> None:
    image = Image.open(io.BytesIO(qr.qr_png(url)))
    assert image.format == "PNG" and decode(image) == {url}


def svg_to_bitmap(svg: bytes, scale: int = 8) -> Image.Image:
    """Rebuild the bitmap from the SVG's path ('M x,y H x2 V y2 H x z' squares and runs),
    on the white ground the SVG itself declares."""
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = (int(float(v)) for v in root.get("viewBox").split())
    assert root.find("{http://www.w3.org/2000/svg}rect").get("fill") == "white"
    image = Image.new("L", (width * scale, height * scale), 255)
    pixels = image.load()
    path = root.find("{http://www.w3.org/2000/svg}path").get("d")
    for x, y, x2, y2 in re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", path):
        for px in range(int(float(x) * scale), int(float(x2) * scale)):
            for py in range(int(float(y) * scale), int(float(y2) * scale)):
                pixels[px, py] = 0
    return image


@pytest.mark.parametrize("url", [URL, GS1_URL])
def test_svg_is_valid_and_decodes_to_exactly_the_url(url) -> None:
    assert decode(svg_to_bitmap(qr.qr_svg(url))) == {url}


def test_upper_case_urls_give_the_small_alphanumeric_symbol() -> None:
    assert qr.qr_matrix(URL)[0] == 29  # version 3
    assert qr.qr_matrix(URL.lower())[0] > 29  # byte mode: a bigger symbol


@pytest.mark.parametrize("matrix", [qr.qr_matrix, qr._qrcode_matrix])
def test_both_matrix_encoders_give_a_decodable_symbol(matrix) -> None:
    size, modules = matrix(GS1_URL)
    assert len(modules) == size * size and set(modules) == {qr.DARK, qr.LIGHT}
    assert decode(matrix_image(size, modules)) == {GS1_URL}


@pytest.mark.parametrize(("url", "level"), [(URL, "Q"), (GS1_URL, "M")])
def test_every_print_file_draws_the_strongest_level_that_keeps_the_version(url, level) -> None:
    """44 characters fit version 3 at Q as at M; the 78-character GS1 URI fits version 4
    only at M, and stays there rather than growing."""
    assert qr.error_correction_for(url) == level
    assert qr.qr_matrix(url)[0] == qr.encode(url, "M")[0] < qr.encode(url, "H")[0]
    code = url.rsplit("/", 1)[1]
    pdf = pdf_pages(render([(code, url)]))[0]
    for image in (Image.open(io.BytesIO(qr.qr_png(url))), svg_image(qr.qr_svg(url)), pdf):
        (result,) = read_all(image)
        assert (result.text, result.ec_level) == (url, level)


def runs_of(size: int, modules: bytes) -> list[tuple[int, int, int]]:
    """(row, first column, end column) of every maximal horizontal run of dark modules."""
    runs = []
    for row in range(size):
        line = modules[row * size : (row + 1) * size]
        runs += [(row, m.start(), m.end()) for m in re.finditer(bytes([qr.DARK]) + b"+", line)]
    return runs


def stroked_runs(operators: str) -> list[tuple[int, int, int]]:
    tokens = operators.split()  # TAB and FF markers are white space, as in PDF
    segments = [tokens[i : i + 6] for i in range(0, len(tokens), 6)]
    assert all(s[2] == "m" and s[5] == "l" and s[1] == s[4] for s in segments)
    return [(int(s[1]), int(s[0]), int(s[3])) for s in segments]


@pytest.mark.parametrize("url", [URL, GS1_URL, "HTTPS://GI.EXAMPLE.CN/V/" + "Z" * 60])
def test_vector_modules_are_one_segment_per_maximal_run(url) -> None:
    size, modules = qr.qr_matrix(url)
    assert sorted(stroked_runs(module_strokes(size, modules))) == runs_of(size, modules)
    # a second symbol of the same size goes through the cached pieces
    size, modules = qr.qr_matrix(url[:-1] + "0")
    assert sorted(stroked_runs(module_strokes(size, modules))) == runs_of(size, modules)


def test_vector_runs_cross_chunk_and_not_row_boundaries() -> None:
    size = 21
    all_dark = bytes([qr.DARK]) * (size * size)
    assert sorted(stroked_runs(module_strokes(size, all_dark))) == [
        (row, 0, size) for row in range(size)
    ]
    stripes = bytes(qr.DARK if (i // 3) % 2 else qr.LIGHT for i in range(size * size))
    assert sorted(stroked_runs(module_strokes(size, stripes))) == runs_of(size, stripes)


# -- PDF sheets ----------------------------------------------------------------------------


def render(labels, layout=None, artwork=None) -> bytes:
    out = io.BytesIO()
    assert render_sheets(out, iter(labels), TEXT, layout, artwork) == len(labels)
    return out.getvalue()


def page_texts_and_codes(pdf_bytes: bytes, scale: float = 300 / 72) -> tuple[list[str], set[str]]:
    document = pypdfium2.PdfDocument(pdf_bytes)
    texts, found = [], set()
    for page in document:
        found |= decode(page.render(scale=scale).to_pil())
        texts.append(page.get_textpage().get_text_range())
    return texts, found


def test_two_page_pdf_every_qr_decodes_and_the_legal_text_is_there(labels) -> None:
    texts, found = page_texts_and_codes(render(labels))
    assert len(texts) == 2  # 24 labels a page by default
    assert found == {url for _, url in labels}
    text = "".join(texts)
    assert text.count(TEXT.uscc) == len(labels)
    assert all(format_grouped(code) in text for code, _ in labels)
    assert "五原向日葵" in text and "第10358831号" in text and "WY-2026-001" in text


def test_pdf_cross_reference_table_points_at_every_object(labels) -> None:
    data = render(labels[:3])
    start = int(data.rsplit(b"startxref\n", 1)[1].split()[0])
    assert data[start:].startswith(b"xref\n0 ")
    count = int(data[start:].split(b"\n")[1].split()[1])
    entries = data[start:].split(b"\n")[3 : 2 + count]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert data[offset:].startswith(b"%d 0 obj\n" % number)


def solid_png(colour: tuple[int, int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 40), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_artwork_is_embedded_once_and_drawn_on_every_label(labels) -> None:
    data = render(labels, artwork=solid_png((200, 0, 0, 255)))
    assert data.count(b"/Subtype /Image") == 2  # the picture and its soft mask, once each
    document = pypdfium2.PdfDocument(data)
    image = document[0].render(scale=1).to_pil().convert("RGB")
    layout = SheetLayout()
    red = 0
    for x, y in layout.origins():  # centre of each label's mark, in PDF points
        mark_x = x + (2 * 1.5 + layout.qr_side_mm + 5) * 72 / 25.4
        mark_y = y + (layout.label_height_mm - 1.5 - 5) * 72 / 25.4
        r, g, b = image.getpixel((int(mark_x), int(image.height - mark_y)))
        red += r > 150 and g < 80 and b < 80
    assert red == len(layout.origins())


def test_unreadable_artwork_is_refused(labels) -> None:
    with pytest.raises(PrintCheckError, match="artwork"):
        render(labels[:1], artwork=b"not a png")


def test_without_artwork_a_neutral_placeholder_is_drawn(labels) -> None:
    texts, _ = page_texts_and_codes(render(labels[:1]), scale=1)
    assert "地理标志" in texts[0]


def test_pages_stream_as_labels_arrive(labels) -> None:
    pulled = 0

    def slow_source():
        nonlocal pulled
        for label in labels * 4:  # 120 labels, 5 pages
            pulled += 1
            yield label

    job = SheetPdf(TEXT)
    chunks = job.chunks(slow_source())
    next(chunks)  # shared objects: only the first label has been looked at (print check)
    assert pulled == 1
    next(chunks)  # the first page
    assert pulled <= 25
    rest = list(chunks)
    assert len(rest) == 5 and job.labels_drawn == 120  # four more pages and the trailer


def test_no_labels_give_a_valid_one_page_pdf() -> None:
    out = io.BytesIO()
    assert render_sheets(out, [], TEXT) == 0
    assert len(pypdfium2.PdfDocument(out.getvalue())) == 1


def test_an_explicit_grid_is_used(labels) -> None:
    layout = SheetLayout(columns=2, rows=3)
    assert len(layout.origins()) == 6
    data = render(labels[:7], layout)
    assert len(pypdfium2.PdfDocument(data)) == 2


# -- print check ---------------------------------------------------------------------------


def test_print_check_accepts_the_default_label() -> None:
    size, _ = qr.qr_matrix(URL)
    assert SheetPdf(TEXT)._qr_head(size)  # passes, and gives the transform
    assert check_qr_fit(SheetLayout().qr_side_mm, size) == pytest.approx(23.8 / 37)


def test_print_check_refuses_a_label_too_low_and_names_a_height_that_works(labels) -> None:
    out = io.BytesIO()
    with pytest.raises(PrintCheckError, match=r"at least ([\d.]+) mm high") as refused:
        render_sheets(out, labels, TEXT, SheetLayout(label_height_mm=12, label_width_mm=60))
    assert out.getvalue() == b""  # refused before a single byte was written
    height = float(re.search(r"at least ([\d.]+) mm high", str(refused.value)).group(1))
    assert render(labels[:1], SheetLayout(label_height_mm=height + 0.1, label_width_mm=60))


def test_print_check_refuses_small_modules_and_thin_quiet_zones() -> None:
    with pytest.raises(PrintCheckError, match=r"at least 9.2 mm"):
        check_qr_fit(8.0, 29)  # 8 mm / 37 modules = 0.216 mm
    assert check_qr_fit(9.25, 29) >= 0.25
    with pytest.raises(PrintCheckError, match="quiet zone"):
        check_qr_fit(40.0, 29, quiet_zone_modules=2)
    with pytest.raises(PrintCheckError, match="quiet zone"):
        render(labels=[("1ABC", URL)], layout=SheetLayout(quiet_zone_modules=3))


def test_print_check_refuses_a_label_too_narrow_for_the_text(labels) -> None:
    with pytest.raises(PrintCheckError, match=r"at least [\d.]+ mm wide"):
        render(labels[:1], SheetLayout(label_width_mm=28))


def test_legal_text_that_cannot_fit_is_refused_with_a_width_that_works(labels) -> None:
    long_text = LabelText(
        uscc=TEXT.uscc,
        legal_line="乌拉特羊肉 地理标志证明商标 注册号 第12345678号 国家知识产权局公告 第354号 "
        * 4,
        gi_name="乌拉特羊肉",
        lot="UR-2026-0001",
    )
    with pytest.raises(PrintCheckError, match=r"at least (\d+) mm wide") as refused:
        render_sheets(io.BytesIO(), labels[:1], long_text)
    width = float(re.search(r"at least (\d+) mm wide", str(refused.value)).group(1))
    assert render_sheets(io.BytesIO(), labels[:1], long_text, SheetLayout(label_width_mm=width))


def test_a_grid_that_does_not_fit_the_page_is_refused() -> None:
    with pytest.raises(PrintCheckError, match="at most 3 fit"):
        SheetLayout(columns=4).grid()


# -- CSV -----------------------------------------------------------------------------------


def test_csv_lines_stream_a_header_and_one_row_per_label(labels) -> None:
    rows = [(serial, code, url) for serial, (code, url) in enumerate(labels, start=1)]
    lines = list(csv_lines(rows))
    assert len(lines) == 31 and all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    parsed = list(csv.DictReader(io.StringIO("".join(lines))))
    assert list(parsed[0]) == ["serial", "code", "grouped_code", "url"]
    assert [(int(r["serial"]), r["code"], r["url"]) for r in parsed] == rows
    assert all(r["grouped_code"] == format_grouped(r["code"]) for r in parsed)
    assert list(csv_lines(rows[:2], header=False)) == lines[1:3]
