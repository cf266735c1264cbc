"""GTIN-8, -12, -13 and -14 with their GS1 check digit (GS1 General Specifications §7.9).

A GTIN is stored as it was given (8, 12, 13 or 14 digits) and compared as GTIN-14: a GS1
Digital Link URI carries it zero-padded to 14 digits, and so does a QR this service prints."""

from __future__ import annotations

LENGTHS = (8, 12, 13, 14)


def check_digit(body: str) -> int:
    """The check digit of ``body`` (the GTIN without its last digit): weights 3 and 1
    alternate from the rightmost digit of the body, and the digit rounds the sum up to a
    multiple of ten."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid(gtin: str) -> bool:
    """8, 12, 13 or 14 ASCII digits whose last digit is the check digit of the others."""
    if len(gtin) not in LENGTHS or not (gtin.isascii() and gtin.isdigit()):
        return False
    return check_digit(gtin[:-1]) == int(gtin[-1])


def as_gtin14(gtin: str) -> str:
    """The GTIN-14 form (left zero padding keeps the check digit valid)."""
    return gtin.zfill(14)
