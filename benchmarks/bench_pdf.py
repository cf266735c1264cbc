"""Render a PDF of 10,000 labels, against a bare QR-generation loop over the same URLs with
the encoder the sheets use (zxing-cpp) and with the pure-Python ``qrcode``, in the same run.

    python benchmarks/bench_pdf.py [--labels 10000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from app.label.code import LabelCodec
from app.label.printing.qr import qr_matrix
from app.label.printing.sheet import LabelText, render_sheets
from app.label.urls import verification_url

QRCODE_SAMPLE = 1_000  # qrcode is slow; its rate comes from a sample
TEXT = LabelText(uscc="91150821MA0N1K2X3X", legal_line="五原向日葵 注册号 第10358831号",
                 gi_name="五原向日葵", lot="WY-2026-001")  # fmt: skip


def rate(count: int, work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return count / (time.perf_counter() - started)


def bare_zxing(urls: list[str]) -> None:
    for url in urls:
        qr_matrix(url)


def bare_qrcode(urls: list[str]) -> None:
    for url in urls:
        symbol = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
        symbol.add_data(url)
        symbol.make(fit=True)
        symbol.get_matrix()


def pdf(labels: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryFile() as out:
        render_sheets(out, labels, TEXT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    count = parser.parse_args().labels
    rounds = parser.parse_args().rounds
    codes = LabelCodec({"1": b"b" * 32}, "1").mint_many(count)
    labels = [(code, verification_url("https://gi.example.cn", code)) for code in codes]
    urls = [url for _, url in labels]
    best = {"zxing": 0.0, "pdf": 0.0, "qrcode": 0.0}
    sample = urls[:QRCODE_SAMPLE]
    for _ in range(rounds):  # alternate and keep the best of each: the machine is noisy
        best["zxing"] = max(best["zxing"], rate(count, lambda: bare_zxing(urls)))
        best["pdf"] = max(best["pdf"], rate(count, lambda: pdf(labels)))
        best["qrcode"] = max(best["qrcode"], rate(len(sample), lambda: bare_qrcode(sample)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(count, best, peak)


def report(count: int, best: dict[str, float], peak: float) -> None:
    vs_encoder, vs_qrcode = best["pdf"] / best["zxing"], best["pdf"] / best["qrcode"]
    for name, value in best.items():
        print(f"{name:>7}: {value:>8,.0f} labels/s")
    print(
        f"PDF / bare zxing-cpp loop = {vs_encoder:.0%} (target ≥ 50 %); "
        f"PDF / bare qrcode loop = {vs_qrcode:.1f}×; peak {peak:.0f} MB"
    )
    from results import write_section

    write_section("PDF label sheets", f"""
A4 sheets of {count:,} labels (50 × 30 mm, 24 a page; QR, mark, USCC, legal line, lot, code).

| run | labels/s |
|---|---|
| bare QR loop, zxing-cpp `create_barcode` (the encoder the sheets use; baseline) | {best['zxing']:,.0f} |
| PDF sheets, `render_sheets` | {best['pdf']:,.0f} |
| bare QR loop, pure-Python `qrcode` (sample of {QRCODE_SAMPLE:,}) | {best['qrcode']:,.0f} |

**The PDF renders at {vs_encoder:.0%} of the bare encoder loop** (target ≥ 50 %) and
{vs_qrcode:.1f}× the bare `qrcode` loop; peak memory {peak:.0f} MB. A million labels print
as 100 files of 10,000.
""")  # fmt: skip


if __name__ == "__main__":
    main()
