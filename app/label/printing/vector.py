"""A QR module matrix as PDF path operators: one segment per horizontal run of dark modules.

Vector modules stay sharp at any printer resolution, and merging runs roughly halves the
shapes (a 29×29 symbol has ~220 runs against ~420 dark modules), which keeps the file small.

Each run is the rectangle [x₀, x₁] × [row, row + 1], drawn as a horizontal stroke one module
wide with butt caps (``x₀ y m x₁ y l`` on the row's midline), not with ``re``: a stroke needs
only its two end points, so a symbol can be assembled from precomputed pieces instead of
formatting ~220 rectangles per label in Python, the slowest step of a sheet otherwise.

The pieces: the matrix is read 8 modules at a time, as one 64-bit integer (a module is one
byte, 0x00 dark or 0xFF light), and for each chunk position a table maps the integer to the
operators of the runs in that chunk. A run that reaches the end of its chunk ends with a
provisional ``TAB x y l``; a run that starts a chunk starts with a provisional ``FF x y m``.
Where both meet at the same point the run goes on, and one regular-expression pass (in C, with
a literal replacement) deletes the pair, merging the run. TAB and FF are PDF white space, so the
markers left where runs really end or start are harmless.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from app.label.printing.qr import DARK, LIGHT

CHUNK = 8  # modules per table lookup: one unsigned 64-bit integer
_CONTINUES, _CONTINUED = "\t", "\f"
_JOIN = re.compile(r"\t(\d+) (\d+) l \f\1 \2 m ")
_PADDING = bytes([LIGHT]) * CHUNK


class _ChunkOperators(dict[int, str]):
    """Operators for every pattern seen at one chunk position, filled in as first seen
    (at most 256 patterns a position, so ~27,000 strings for a 29×29 symbol)."""

    def __init__(self, size: int, first: int) -> None:
        super().__init__()
        self.size, self.first = size, first

    def __missing__(self, key: int) -> str:
        pattern = key.to_bytes(CHUNK, sys.byteorder)  # as memoryview.cast("Q") read it
        operators = self[key] = _chunk_operators(self.size, self.first, pattern)
        return operators


_TABLES: dict[int, list[_ChunkOperators]] = {}


def module_strokes(size: int, modules: bytes) -> str:
    """Segments for the dark modules: stroke them at line width 1 and butt caps, in module
    units, with y moved by half a module so that row r's segment covers [r, r + 1]."""
    tables = _TABLES.get(size) or _TABLES.setdefault(size, _tables(size))
    padded = modules + _PADDING[: -len(modules) % CHUNK]
    pieces = "".join(map(dict.__getitem__, tables, memoryview(padded).cast("Q")))
    return _JOIN.sub("", pieces)


def _tables(size: int) -> list[_ChunkOperators]:
    return [_ChunkOperators(size, first) for first in range(0, size * size, CHUNK)]


def _chunk_operators(size: int, first: int, pattern: bytes) -> str:
    pieces = []
    for start, end in _runs(size, first, pattern):
        row, column = divmod(start, size)
        head = _CONTINUED if start == first and column else ""
        tail = _CONTINUES if end == first + CHUNK and end % size else ""
        pieces.append(f"{head}{column} {row} m {tail}{column + end - start} {row} l ")
    return "".join(pieces)


def _runs(size: int, first: int, pattern: bytes) -> Iterator[tuple[int, int]]:
    """[start, end) flat indices of the dark runs in a chunk, split where a row ends."""
    start = None
    for index in range(first, first + CHUNK + 1):
        offset = index - first
        dark = offset < CHUNK and index < size * size and pattern[offset] == DARK
        if start is not None and (not dark or index % size == 0):
            yield start, index
            start = None
        if dark and start is None:
            start = index
