"""A package's code: an SSCC (GS1 AI 00: 18 digits, the last a GS1 check digit), or a gimark
code minted like a label's (``app.label.code``)."""

from __future__ import annotations

from app.label.code import is_well_formed, normalise
from app.tradeitem.gtin import check_digit

SSCC_LENGTH = 18


def is_sscc(text: str) -> bool:
    return (
        len(text) == SSCC_LENGTH
        and text.isascii()
        and text.isdigit()
        and check_digit(text[:-1]) == int(text[-1])
    )


def package_code(text: str) -> str | None:
    """The stored form of a package code as typed or scanned (an SSCC as its 18 digits, with
    an ``(00)`` prefix or spaces dropped; a gimark code normalised), or None if it is neither."""
    compact = "".join(text.split())
    if compact.startswith("(00)"):
        compact = compact[4:]
    if is_sscc(compact):
        return compact
    code = normalise(text)
    return code if is_well_formed(code) else None
