"""Unified social credit code (统一社会信用代码) check, GB 32100-2015."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_VALUE = {char: value for value, char in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(LENGTH - 1))  # 3^(i-1) mod 31 for positions 1..17


class InvalidUSCC(ValueError):
    """``reason`` is ``length``, ``character`` or ``check``; the message says what is wrong."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    """Return the normalised code (trimmed, upper case) or raise :class:`InvalidUSCC`."""
    code = raw.strip().upper()
    if len(code) != LENGTH:
        raise InvalidUSCC("length", f"a USCC has 18 characters, this one has {len(code)}")
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise InvalidUSCC(
                "character",
                f"character {position} ({char!r}) is not allowed: a USCC uses only digits and "
                "the letters ABCDEFGHJKLMNPQRTUWXY (no I, O, S, V, Z)",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(
            "check", f"the check character is {code[17]!r} but should be {expected!r}: mistyped?"
        )
    return code
