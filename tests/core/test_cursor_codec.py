"""A cursor is opaque to clients but checked by the server: whatever a client sends back, the
answer is a page or a 422, never a 500."""

import base64
import json
from datetime import UTC, datetime

import pytest

from app.core.errors import Unprocessable
from app.core.pagination import Keyset, decode_cursor, encode_cursor
from app.label.models import LabelBatch
from app.verification.models import Scan

pytestmark = pytest.mark.dbless

SCANS = Keyset("scans:-scanned_at", (Scan.scanned_at, Scan.id))
BATCHES = Keyset("batches:-id", (LabelBatch.id,))


def raw(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_cursor_round_trips_url_safe() -> None:
    when = datetime(2026, 5, 1, 8, 30, 0, 123456, tzinfo=UTC)
    cursor = encode_cursor(SCANS, (when, 42))
    assert cursor.replace("-", "").replace("_", "").isalnum()
    assert decode_cursor(SCANS, cursor) == [when, 42]


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "%%%",
        raw({"a": 1}),
        raw("abc"),
        raw([1, "batches:-id", [1]]),  # another list's cursor
        raw([2, "scans:-scanned_at", ["2026-05-01T08:30:00+00:00", 1]]),  # unknown version
        raw([1, "scans:-scanned_at", ["2026-05-01T08:30:00", 1]]),  # no zone
        raw([1, "scans:-scanned_at", ["yesterday", 1]]),
        raw([1, "scans:-scanned_at", ["2026-05-01T08:30:00+00:00", "1"]]),
        raw([1, "scans:-scanned_at", ["2026-05-01T08:30:00+00:00", True]]),
        raw([1, "scans:-scanned_at", ["2026-05-01T08:30:00+00:00", 2**70]]),
        raw([1, "scans:-scanned_at", ["2026-05-01T08:30:00+00:00"]]),
        raw([1, "scans:-scanned_at", [{"x": 1}, None]]),
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    ],
)
def test_a_tampered_cursor_is_refused_as_unprocessable(cursor: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        decode_cursor(SCANS, cursor)
    assert refused.value.extra == {"field": "query.cursor"}


def test_a_cursor_of_one_order_is_refused_in_the_other() -> None:
    ascending = Keyset("batches:id", (LabelBatch.id,), descending=False)
    with pytest.raises(Unprocessable):
        decode_cursor(ascending, encode_cursor(BATCHES, (7,)))
