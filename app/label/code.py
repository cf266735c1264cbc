"""The label code (DESIGN §4): 20 Crockford base32 characters, printed in groups of four.

    K  RRRRRRRRRRRRRR  TTTT  C
    │  │               │     └ check character
    │  │               └ tag: 20 bits of HMAC-SHA256(key[K], K + random)
    │  └ 14 random characters = 70 bits from ``secrets``
    └ key id: which HMAC key minted the code (keys rotate; old ones keep verifying)

The check character is where we part from the design's letter ("Luhn mod 32") to keep its
promise ("catches every single-character typo and adjacent swap"). Luhn mod N misses one swap:
for a digit v the pair (v, doubled v) changes the sum by v − d(v), which is 0 for both v = 0
and v = N−1, so swapping 0 and Z goes unseen (like 09↔90 in decimal Luhn). No check that adds
weighted values mod 32 can do better: the weights must be odd for substitutions to show, and
then the difference of two neighbours' weights is even, so some swap a−b = 16 slips through
(and no scheme of per-position permutations over Z/32 can either: it has no complete mapping).
Arithmetic in the field GF(32) has no such gap: the check c makes Σ wᵢ·xᵢ = 0 with distinct
non-zero weights wᵢ = αⁱ, so a substitution changes the sum by wᵢ·(a−b) ≠ 0 and an adjacent
swap by (wᵢ+wᵢ₊₁)·(a−b) ≠ 0. It is still one table lookup per character. The check is linear,
so whether an error is caught does not depend on the rest of the code, and the tests prove both
claims over every position and every pair of characters.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
RANDOM_LENGTH = 14
TAG_LENGTH = 4
MIN_KEY_BYTES = 16
_MAX_INPUT = 64  # a code with generous separators; anything longer is not worth normalising
CLASSIFY_MEMO = 100_000  # inputs remembered by LabelCodec.classify (~20 MB at most)
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
# Crockford: read I and L as 1, O as 0. Separators are dropped: hyphens, the dashes phones
# substitute for them, and (in normalise) any white space.
_NORMALISE = str.maketrans({"I": "1", "L": "1", "O": "0"} | dict.fromkeys("-‐‑‒–—―−"))
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


# _WEIGHTED[i][char] = α^(i+1) · value(char) for the 19 characters before the check character,
# whose own weight is α⁰ = 1. Addition in GF(32) is XOR. Keyed by character so the hot path
# does one dict lookup per character and nothing else.
_WEIGHTED = [
    {char: _gf_mul(_EXP[i + 1], value) for char, value in _VALUE.items()}
    for i in range(CODE_LENGTH - 1)
]
_SYNDROME_TABLES = [*_WEIGHTED, _VALUE]


def check_character(first19: str) -> str:
    """The character that makes the weighted sum of all 20 zero."""
    total = 0
    for table, char in zip(_WEIGHTED, first19, strict=True):
        total ^= table[char]
    return ALPHABET[total]


def normalise(text: str) -> str:
    """Upper case, I/L→1, O→0, hyphens and white space dropped; full-width forms (a Chinese
    input method's ＡＢ１２) read as their ASCII twins."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.upper().translate(_NORMALISE).split())


def format_grouped(code: str) -> str:
    """``K3F9-ABCD-EFGH-JKMN-PQRS``: how the code is printed under the QR."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def is_well_formed(code: str) -> bool:
    """Length, alphabet and check character of an already normalised code."""
    # strip() removes alphabet characters from both ends in C: only a valid code is emptied.
    if len(code) != CODE_LENGTH or code.strip(ALPHABET):
        return False
    total = 0
    for table, char in zip(_SYNDROME_TABLES, code, strict=True):  # length checked above
        total ^= table[char]
    return total == 0


class CodeStatus(enum.StrEnum):
    MALFORMED = "malformed"  # a typo: length, character or check character is wrong
    UNKNOWN = "unknown"  # well formed, but no key of ours made it: never issued by us
    AUTHENTIC = "authentic"  # minted by one of our keys (whether issued is the database's say)


@dataclass(frozen=True, slots=True)
class CodeCheck:
    status: CodeStatus
    code: str  # the normalised input


def _validated_keys(keys: Mapping[str, bytes], current_key_id: str) -> dict[str, bytes]:
    for key_id, secret in keys.items():
        if len(key_id) != 1 or key_id not in _VALUE:
            raise ValueError(f"key id {key_id!r} must be one Crockford base32 character")
        if len(secret) < MIN_KEY_BYTES:
            raise ValueError(f"key {key_id!r} is shorter than {MIN_KEY_BYTES} bytes")
    if current_key_id not in keys:
        raise ValueError(f"the current key id {current_key_id!r} has no key")
    return {key_id: bytes(secret) for key_id, secret in keys.items()}


class LabelCodec:
    """Mints and checks codes with HMAC keys named by one-character key ids."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        self._keys = _validated_keys(keys, current_key_id)
        self.current_key_id = current_key_id
        # Codes under a key id we do not hold still cost one HMAC, under a throw-away key, so
        # the time a check takes does not tell which key ids exist.
        self._decoy = secrets.token_bytes(32)
        self._classified: dict[str, CodeCheck] = {}

    def _tag(self, key: bytes, key_id: str, random_part: str) -> str:
        """20 bits of HMAC-SHA256: the low 5 bits of the digest's first four bytes."""
        digest = hmac.digest(key, (key_id + random_part).encode(), hashlib.sha256)
        return digest[:TAG_LENGTH].translate(_BYTE_TO_CHAR).decode()

    def mint(self) -> str:
        return self.mint_many(1)[0]

    def mint_many(self, count: int) -> list[str]:
        """``count`` fresh codes; the bulk path of issuance, so it leans on C where it can."""
        key_id, key = self.current_key_id, self._keys[self.current_key_id]
        randomness = secrets.token_bytes(RANDOM_LENGTH * count).translate(_BYTE_TO_CHAR).decode()
        codes = []
        for offset in range(0, RANDOM_LENGTH * count, RANDOM_LENGTH):
            random_part = randomness[offset : offset + RANDOM_LENGTH]
            body = key_id + random_part + self._tag(key, key_id, random_part)
            codes.append(body + check_character(body))
        return codes

    def classify(self, text: str) -> CodeCheck:
        """Decide from the code alone, with no database query: typo, forgery or ours.

        Remembered per input: every public check is classified twice (the rate limiter's
        bad-code rule, then the check itself) and popular codes are scanned again and again;
        the HMAC and normalisation were ~10 % of a check's CPU. Bounded by dropping the
        whole memo when full (cheaper than an LRU's bookkeeping on every hit); it holds only
        what the code's own text decides, so it can never be stale."""
        text = text[:_MAX_INPUT]
        check = self._classified.get(text)
        if check is None:
            if len(self._classified) >= CLASSIFY_MEMO:
                self._classified.clear()
            check = self._classified[text] = self._classify(text)
        return check

    def _classify(self, text: str) -> CodeCheck:
        code = normalise(text)
        if not is_well_formed(code):
            return CodeCheck(CodeStatus.MALFORMED, code)
        key_id = code[0]
        key = self._keys.get(key_id, self._decoy)
        expected = self._tag(key, key_id, code[1 : 1 + RANDOM_LENGTH])
        tag_ok = hmac.compare_digest(code[1 + RANDOM_LENGTH : -1], expected)
        if not tag_ok or key is self._decoy:
            return CodeCheck(CodeStatus.UNKNOWN, code)
        return CodeCheck(CodeStatus.AUTHENTIC, code)
