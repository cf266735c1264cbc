"""Masking of an informant's contact details typed into free text.

A consumer sometimes writes "call me on 138…" into the description. The licensee reads the
description of a report about its product, so e-mail addresses and phone-like digit runs are
masked in its copy; the bureau keeps the original."""

from __future__ import annotations

import re

MASK = "[…]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Mainland mobiles (1[3-9] + 9 digits, optionally +86 and separators) and landlines with an
# area code (0478-1234567). Lot numbers (WY-2026-001) and dates (2026-11-30) do not match.
_PHONE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}|0\d{2,3}[\s-]?\d{7,8})(?!\d)"
)


def mask_contacts(text: str | None) -> str | None:
    if text is None:
        return None
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, text))
