"""Receipt numbers: what a reporter keeps to follow a report without an account.

Sixteen characters of Crockford base32 drawn by ``secrets`` (80 bits: guessing one among
millions of reports at the public pages' rate limit would take longer than the universe has
existed), printed in groups of four: ``K7QM-3XRT-9D2F-HW4B``. Only a SHA-256 of the
normalised number is stored, like a password that needs no salt because it is random: a
database copy or an export cannot open anyone's status page. Reading tolerates what people do
when they copy a number by hand: lower case, spaces or no dashes, O for 0, I or L for 1."""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_receipt() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(typed: str) -> str | None:
    """The 16 characters of a typed receipt, or None if it cannot be one."""
    raw = "".join(typed.upper().replace("-", "").split()).translate(_READ_AS)
    if len(raw) != LENGTH or any(char not in ALPHABET for char in raw):
        return None
    return raw


def digest(typed: str) -> str | None:
    """The stored form of a typed receipt (None if it cannot be one)."""
    raw = normalise(typed)
    return hashlib.sha256(raw.encode()).hexdigest() if raw else None
