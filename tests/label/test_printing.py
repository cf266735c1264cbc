import pytest

from app.label.printing.qr import dark_runs, qr_matrix
from app.label.printing.sheet import PrintCheckError, SheetLayout, check_print_size


def test_module_size_and_quiet_zone_check() -> None:
    size, _ = qr_matrix("HTTPS://GI.EXAMPLE.CN/V/1ABCDEFGHJKMNPQRSTVW")
    assert check_print_size(SheetLayout(), size) >= 0.25
    with pytest.raises(PrintCheckError, match=r"at least [\d.]+ mm high"):
        check_print_size(SheetLayout(label_height_mm=12, label_width_mm=60), size)
    with pytest.raises(PrintCheckError, match="wide"):
        check_print_size(SheetLayout(label_width_mm=28), size)


def test_dark_runs_cover_exactly_the_dark_modules() -> None:
    size, modules = qr_matrix("HTTPS://GI.EXAMPLE.CN/V/1ABCDEFGHJKMNPQRSTVW")
    covered = {
        (row, col + i) for row, col, length in dark_runs(size, modules) for i in range(length)
    }
    dark = {(i // size, i % size) for i, value in enumerate(modules) if value == 0}
    assert covered == dark
