"""Writing a batch's codes: all in the request's transaction, streamed in chunks.

A million labels are never a million ORM objects: codes are minted chunk by chunk and sent
with PostgreSQL's COPY or, on SQLite, a multi-row INSERT (``repository.insert_labels``).
Because it is one transaction, a crash leaves all of a batch's labels or none.

With 70 random bits a collision is practically impossible (10⁹ labels: p ≈ 10⁻³), but the
unique key on ``label.code`` is the guarantee: the chunk is written inside a savepoint and, if
it collides, rolled back and written again with fresh codes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.label import repository
from app.label.code import LabelCodec
from app.label.models import LabelStatus
from app.label.repository import LabelRows as Rows

CHUNK = 50_000
MAX_ATTEMPTS = 3
ProgressCallback = Callable[[int], None]


def _chunks(quantity: int) -> Iterator[tuple[int, int]]:
    for first in range(1, quantity + 1, CHUNK):
        yield first, min(first + CHUNK, quantity + 1)


def _records(codec: LabelCodec, batch_id: int, first: int, stop: int, status: LabelStatus) -> Rows:
    codes, value = codec.mint_many(stop - first), status.value
    return [(code, batch_id, serial, value) for serial, code in enumerate(codes, start=first)]


async def _write_chunk(
    session: AsyncSession,
    codec: LabelCodec,
    batch_id: int,
    span: tuple[int, int],
    rows: Rows,
    status: LabelStatus,
) -> None:
    first, stop = span
    for attempt in range(MAX_ATTEMPTS):
        try:
            async with session.begin_nested():
                await repository.insert_labels(session, rows)
            return
        except IntegrityError:
            if attempt == MAX_ATTEMPTS - 1:
                raise
            rows = _records(codec, batch_id, first, stop, status)  # a collision: fresh codes


def _mint_in_thread(
    codec: LabelCodec, batch_id: int, span: tuple[int, int], status: LabelStatus
) -> asyncio.Task[Rows]:
    return asyncio.create_task(asyncio.to_thread(_records, codec, batch_id, *span, status))


async def write_labels(
    session: AsyncSession,
    codec: LabelCodec,
    batch_id: int,
    quantity: int,
    progress: ProgressCallback | None = None,
    status: LabelStatus = LabelStatus.ACTIVE,
) -> int:
    """Create labels 1..quantity of ``batch_id`` in ``status`` (``inactive`` where the product
    or licence requires activation on the packing line); returns how many were written.

    The next chunk is minted in a worker thread while the database ingests this one, so the
    Python side and the database server each keep one of the two cores busy."""
    chunks = list(_chunks(quantity))
    pending = _mint_in_thread(codec, batch_id, chunks[0], status)
    for index, (first, stop) in enumerate(chunks):
        rows = await pending
        if index + 1 < len(chunks):
            pending = _mint_in_thread(codec, batch_id, chunks[index + 1], status)
        await _write_chunk(session, codec, batch_id, (first, stop), rows, status)
        if progress:
            progress(stop - first)
    return quantity
