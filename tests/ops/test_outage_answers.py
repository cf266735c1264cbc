"""A database outage, in process: the app's database is swapped for one nobody listens on (a
real refused connection, through the real driver), after the public check has read a label.

What a user must see: 503 with Retry-After (problem+json on the API, a page in their language
on the public pages), never a 500; the public check answers a code it read before with that
verdict "as of" a time from before the outage, and any other code with "cannot check right
now" (503), never ``unknown``."""

from __future__ import annotations

import socket
from datetime import datetime

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from verification_fixtures import client_from

from app.core.db import Database, create_engine
from app.core.outage import is_database_outage
from app.main import create_app


def _refusing_url() -> str:
    """A PostgreSQL URL on a loopback port that was free a moment ago: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+asyncpg://gimark@127.0.0.1:{port}/gone"


@pytest.fixture
async def down():
    database = Database(create_engine(_refusing_url()))
    yield database
    await database.dispose()


def _outage(app, down: Database) -> None:
    app.state.database = down
    app.state.verifier.scans.database = down


async def test_a_code_read_before_is_answered_as_of_then(app, client, label_world, down) -> None:
    code = label_world["code"]
    before = await client.get(f"/api/v1/verify/{code}")
    assert before.status_code == 200 and before.json()["as_of"] is None
    _outage(app, down)

    during = await client.get(f"/api/v1/verify/{code}")

    assert during.status_code == 200
    body = during.json()
    assert body["verdict"] == "genuine" and body["lot_number"] == "WY-2026-001"
    as_of = datetime.fromisoformat(body["as_of"])
    assert as_of <= datetime.now(as_of.tzinfo)
    page = await client.get(f"/v/{code}?lang=en")
    assert page.status_code == 200
    assert "from before the outage" in page.text and 'data-as-of="' in page.text
    assert "来自中断之前" in (await client.get(f"/v/{code}?lang=zh")).text


async def test_a_code_never_read_gets_cannot_check_not_unknown(app, client, label_world, down):
    await client.get(f"/api/v1/verify/{label_world['code']}")
    _outage(app, down)
    other = label_world["labels"][1].code

    answer = await client.get(f"/api/v1/verify/{other}")

    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) > 0
    assert answer.json()["code"] == "database_unavailable" and "verdict" not in answer.json()
    page = await client.get(f"/v/{other}?lang=en")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "Cannot check right now" in page.text and "retry-after" in page.headers
    zh = await client.get(f"/v/{other}?lang=zh")
    assert "暂时无法查询" in zh.text and "unknown" not in zh.text


async def test_too_old_an_answer_is_not_served(test_settings, database, label_world, down):
    app = create_app(test_settings.model_copy(update={"outage_answer_max_hours": 0}), database)
    async with client_from(app, "198.51.100.9") as client:
        await client.get(f"/api/v1/verify/{label_world['code']}")
        _outage(app, down)
        answer = await client.get(f"/api/v1/verify/{label_world['code']}")
    assert answer.status_code == 503


async def test_every_other_route_answers_503_with_retry_after(app, client, down) -> None:
    _outage(app, down)

    api = await client.get("/api/v1/public/register")
    page = await client.get("/public/register?lang=en")
    console = await client.get("/console/login")

    assert api.status_code == 503 and api.json()["code"] == "database_unavailable"
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["request_id"] == api.headers["x-request-id"]
    assert "retry-after" in api.headers
    assert page.status_code == 503 and "Cannot check right now" in page.text
    assert "retry-after" in page.headers
    assert console.status_code in (200, 503)  # the login form itself needs no database


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "refused")), True),
        (OSError(2, "no such file"), False),
        (IntegrityError("INSERT", {}, Exception("duplicate key value")), False),
    ],
)
def test_only_connection_failures_count_as_an_outage(error, outage) -> None:
    assert is_database_outage(error) is outage


def test_sqlite_that_cannot_be_opened_is_an_outage_but_a_missing_table_is_a_bug() -> None:
    import sqlite3

    gone = OperationalError("x", {}, sqlite3.OperationalError("unable to open database file"))
    bug = OperationalError("x", {}, sqlite3.OperationalError("no such table: label"))
    assert is_database_outage(gone) and not is_database_outage(bug)
