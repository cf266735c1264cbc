"""The label code (DESIGN §4): 20 Crockford base32 characters, printed in groups of four.

    K  RRRRRRRRRRRRRR  TTTT  C
    │  │               │     └ check character
    │  │               └ tag: 20 bits of HMAC-SHA256(key[K], K + random)
    │  └ 14 random characters = 70 bits from ``secrets``
    └ key id: which HMAC key minted the code (keys rotate; old ones keep verifying)

The check character is where we part from the design's letter ("Luhn mod 32") to keep its
promise ("catches every single-character typo and adjacent swap"): Luhn mod N cannot tell the
swap of the first and last alphabet symbols apart (0↔Z here, like 09↔90 in decimal), and no
check over the integers mod 32 can catch every adjacent swap (Z/32 has no complete mapping).
Arithmetic in the field GF(32) can: the check c makes Σ wᵢ·xᵢ = 0 with distinct non-zero
weights wᵢ = αⁱ, so a substitution changes the sum by wᵢ·(a−b) ≠ 0 and an adjacent swap by
(wᵢ+wᵢ₊₁)·(a−b) ≠ 0. The tests check both claims exhaustively.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
RANDOM_LENGTH = 14
TAG_LENGTH = 4
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
# Crockford: read I and L as 1, O as 0; separators are ignored.
_NORMALISE = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})
# Any byte → the alphabet character of its low 5 bits. 256 is a multiple of 32, so uniform
# random bytes give uniform characters (5 bits each), and bytes.translate runs in C.
_BYTE_TO_CHAR = bytes(ALPHABET[b % 32].encode()[0] for b in range(256))


def _gf32_tables() -> tuple[list[int], list[int]]:
    """exp/log tables of GF(2⁵) built from the primitive polynomial x⁵ + x² + 1."""
    exp, log, value = [0] * 62, [0] * 32, 1
    for power in range(31):
        exp[power] = exp[power + 31] = value
        log[value] = power
        value <<= 1
        if value & 0b100000:
            value ^= 0b100101
    return exp, log


_EXP, _LOG = _gf32_tables()


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


# _WEIGHTED[i][v] = α^(i+1) · v for the 19 characters before the check, whose own weight is 1.
_WEIGHTED = [[_gf_mul(_EXP[i + 1], v) for v in range(32)] for i in range(CODE_LENGTH - 1)]


def check_character(first19: str) -> str:
    total = 0
    for table, char in zip(_WEIGHTED, first19, strict=True):
        total ^= table[_VALUE[char]]
    return ALPHABET[total]  # adding it (XOR) makes the weighted sum zero


def normalise(text: str) -> str:
    """Upper case, I/L→1, O→0, hyphens and white space dropped."""
    return "".join(text.upper().translate(_NORMALISE).split())


def format_grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def is_well_formed(code: str) -> bool:
    """Length, alphabet and check character of an already normalised code."""
    if len(code) != CODE_LENGTH or any(char not in _VALUE for char in code):
        return False
    return check_character(code[:-1]) == code[-1]


class CodeStatus(enum.StrEnum):
    MALFORMED = "malformed"  # a typo: length, character or check character is wrong
    UNKNOWN = "unknown"  # well formed, but no key of ours made it: never issued by us
    AUTHENTIC = "authentic"  # minted by one of our keys (whether issued is the database's say)


@dataclass(frozen=True, slots=True)
class CodeCheck:
    status: CodeStatus
    code: str  # the normalised input


class LabelCodec:
    """Mints and checks codes with HMAC keys named by one-character key ids."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        for key_id, secret in keys.items():
            if len(key_id) != 1 or key_id not in _VALUE:
                raise ValueError(f"key id {key_id!r} must be one Crockford base32 character")
            if len(secret) < 16:
                raise ValueError(f"key {key_id!r} is shorter than 16 bytes")
        if current_key_id not in keys:
            raise ValueError(f"the current key id {current_key_id!r} has no key")
        self.current_key_id = current_key_id
        self._keys = {key_id: bytes(secret) for key_id, secret in keys.items()}

    def _tag(self, key_id: str, random_part: str) -> str:
        """20 bits of HMAC-SHA256: the low 5 bits of the digest's first four bytes."""
        digest = hmac.digest(self._keys[key_id], (key_id + random_part).encode(), hashlib.sha256)
        return digest[:TAG_LENGTH].translate(_BYTE_TO_CHAR).decode()

    def mint(self) -> str:
        return self.mint_many(1)[0]

    def mint_many(self, count: int) -> list[str]:
        """``count`` fresh codes; the bulk path of issuance, so it leans on C where it can."""
        key_id, tag = self.current_key_id, self._tag
        randomness = secrets.token_bytes(RANDOM_LENGTH * count).translate(_BYTE_TO_CHAR).decode()
        codes = []
        for offset in range(0, RANDOM_LENGTH * count, RANDOM_LENGTH):
            random_part = randomness[offset : offset + RANDOM_LENGTH]
            body = key_id + random_part + tag(key_id, random_part)
            codes.append(body + check_character(body))
        return codes

    def classify(self, text: str) -> CodeCheck:
        """Decide from the code alone, with no database query: typo, forgery or ours."""
        code = normalise(text[:64])
        if not is_well_formed(code):
            return CodeCheck(CodeStatus.MALFORMED, code)
        key_id, random_part, tag = code[0], code[1:15], code[15:19]
        if key_id not in self._keys or not hmac.compare_digest(tag, self._tag(key_id, random_part)):
            return CodeCheck(CodeStatus.UNKNOWN, code)
        return CodeCheck(CodeStatus.AUTHENTIC, code)
