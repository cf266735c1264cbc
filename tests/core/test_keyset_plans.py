"""On PostgreSQL, each large list's keyset page is read from an index in its order: no sort of
the whole filtered list, whatever its size. Planner costs favour a sequential scan on the tiny
tables of a test, so sequential and bitmap scans (and sorts, as a last resort) are switched off
for the transaction: what is checked is that the index *can* serve the page (the order and the
cursor bound), which is what makes the planner choose it on large tables (see the README's
pagination notes)."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from app.audit.repository import EVENT_ORDERS, events
from app.core.explain import Explain
from app.core.pagination import CursorParams, encode_cursor, keyset_query
from app.core.principal import Principal, Role
from app.core.time import utcnow
from app.label.repository import BATCH_ORDERS, batches_listed
from app.verification.repository.scans import (
    SCAN_ORDERS,
    SUSPICIOUS_ORDERS,
    readable_scans,
    suspicious_codes,
)

REGULATOR = Principal(kind="user", id=1, name="clerk", role=Role.REGULATOR)


@pytest.fixture(autouse=True)
def postgresql_only(on_sqlite: bool) -> None:
    if on_sqlite:
        pytest.skip("the plans checked are PostgreSQL's")


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(n for child in plan.get("Plans", []) for n in nodes(child))]


async def plan_of(session, query) -> list[dict[str, Any]]:
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    await session.execute(text("SET LOCAL enable_bitmapscan = off"))
    # Rows other tests committed to the shared database move the statistics; a sort is made a
    # last resort too, so a Sort node left in the plan means the index cannot give the order.
    await session.execute(text("SET LOCAL enable_sort = off"))
    plan = (await (await session.connection()).execute(Explain(query))).scalar_one()
    return nodes(plan[0]["Plan"])


def assert_read_in_order_from(plan: list[dict[str, Any]], index: str) -> None:
    kinds = [n["Node Type"] for n in plan]
    assert not {"Sort", "Incremental Sort"} & set(kinds), kinds
    assert any(n.get("Index Name") == index for n in plan), [
        (n["Node Type"], n.get("Index Name")) for n in plan
    ]


async def test_batches_are_read_from_the_primary_key(session) -> None:
    keyset = BATCH_ORDERS["-id"]
    params = CursorParams(limit=50, offset=0, cursor=encode_cursor(keyset, (10**6,)))
    query = keyset_query(batches_listed(REGULATOR, None, None), keyset, params)
    assert_read_in_order_from(await plan_of(session, query), "pk_label_batch")


async def test_audit_events_are_read_from_the_primary_key(session) -> None:
    keyset = EVENT_ORDERS["-seq"]
    params = CursorParams(limit=50, offset=0, cursor=encode_cursor(keyset, (10**6,)))
    query = keyset_query(events(), keyset, params)
    assert_read_in_order_from(await plan_of(session, query), "pk_audit_event")


async def test_scans_are_read_from_their_time_index(session) -> None:
    keyset = SCAN_ORDERS["-scanned_at"]
    params = CursorParams(limit=50, offset=0, cursor=encode_cursor(keyset, (utcnow(), 10**6)))
    query = keyset_query(readable_scans(REGULATOR), keyset, params)
    assert_read_in_order_from(await plan_of(session, query), "ix_scan_scanned_at_id")


async def test_suspicious_codes_are_read_from_their_flag_index(session) -> None:
    keyset = SUSPICIOUS_ORDERS["-flagged_at"]
    cursor = encode_cursor(keyset, (utcnow() - timedelta(days=1), "Z" * 20))
    query = keyset_query(
        suspicious_codes(), keyset, CursorParams(limit=50, offset=0, cursor=cursor)
    )
    assert_read_in_order_from(await plan_of(session, query), "ix_label_scan_stat_flagged_at_code")
