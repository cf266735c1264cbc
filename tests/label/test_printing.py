import pytest

from app.label.printing.qr import qr_image_mask, qr_matrix
from app.label.printing.sheet import PrintCheckError, SheetLayout, check_print_size


def test_module_size_and_quiet_zone_check() -> None:
    size, _ = qr_matrix("HTTPS://GI.EXAMPLE.CN/V/1ABCDEFGHJKMNPQRSTVW")
    assert check_print_size(SheetLayout(), size) >= 0.25
    with pytest.raises(PrintCheckError, match=r"at least [\d.]+ mm high"):
        check_print_size(SheetLayout(label_height_mm=12, label_width_mm=60), size)
    with pytest.raises(PrintCheckError, match="wide"):
        check_print_size(SheetLayout(label_width_mm=28), size)


def test_image_mask_packs_exactly_the_dark_modules() -> None:
    size, modules = qr_matrix("HTTPS://GI.EXAMPLE.CN/V/1ABCDEFGHJKMNPQRSTVW")
    hex_bits = qr_image_mask(size, modules).split(" ID ")[1].split(">")[0]
    data, row_bytes = bytes.fromhex(hex_bits), (size + 7) // 8
    for row in range(size):
        for col in range(size):
            bit = data[row * row_bytes + col // 8] >> (7 - col % 8) & 1
            assert (bit == 0) == (modules[row * size + col] == 0)  # 0 paints: a dark module
