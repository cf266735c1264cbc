"""Logs never carry SQL parameters, secrets or personal data (issue 10, item 9)."""

import asyncio
import logging

import factories
import httpx
import pytest
from sqlalchemy import text

from app.auth.models import User
from app.core.db import Database
from app.core.logsafety import install_redaction, redact
from app.core.principal import Role
from app.main import create_app

EMAIL = "wang.fang.wuyuan@example.cn"
OTHER_EMAIL = "li.lei.hetao@example.cn"
PASSWORD = "Sunflower-seeds-2026"
HOLDER_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"


def _everything_logged(caplog) -> list[str]:
    texts = [caplog.text]
    for record in caplog.records:
        texts += [record.getMessage(), record.exc_text or ""]
    return texts


def _debug_everywhere(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


async def _wait_until_blocked_on_the_holder(engine) -> None:
    """PostgreSQL: the request's INSERT waits on the holder's uncommitted row (same username)."""
    async with engine.connect() as probe:
        for _ in range(2000):
            waiting = await probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND query LIKE 'INSERT INTO app_user%'"
                )
            )
            if waiting:
                return
            await probe.rollback()  # pg_stat_activity is a snapshot per transaction
            await asyncio.sleep(0.01)
    raise AssertionError("the request never reached the conflicting INSERT")


async def test_a_database_error_logs_no_hash_no_email(engine, test_settings, on_sqlite, caplog):
    """A unique violation whose parameters hold an argon2 hash and an e-mail address: on
    PostgreSQL a second account with the same name is committed between the request's check and
    its INSERT. The client gets 409, and no log record (DEBUG, every logger) quotes either."""
    database = Database(engine)  # committed transactions: the race needs two of them
    async with database.sessionmaker() as session, session.begin():
        admin = await factories.user(session, Role.ADMIN)
        bureau = await factories.organisation(session)
    app = create_app(test_settings, database)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.77", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        headers = await factories.login(client, admin.username)
        _debug_everywhere(caplog)
        async with database.sessionmaker() as holder:
            await holder.begin()
            holder.add(
                User(
                    username=EMAIL,
                    display_name="王芳",
                    password_hash=HOLDER_HASH,
                    role=Role.REGULATOR,
                    organisation_id=bureau.id,
                )
            )
            await holder.flush()
            body = {
                "username": EMAIL,
                "display_name": "王芳",
                "password": PASSWORD,
                "role": "regulator",
                "organisation_id": bureau.id,
            }
            request = asyncio.create_task(client.post("/api/v1/users", json=body, headers=headers))
            if not on_sqlite:
                await _wait_until_blocked_on_the_holder(engine)
            await holder.commit()
        response = await request

    assert response.status_code == 409 and response.json()["code"] == "username_taken"
    for secret in (EMAIL, PASSWORD, HOLDER_HASH, "$argon2"):
        assert secret not in response.text
        assert not [t for t in _everything_logged(caplog) if secret in t], secret
    assert caplog.records, "nothing was captured: the test would prove nothing"


@pytest.mark.dbless
def test_redaction_of_secrets_and_personal_data() -> None:
    line = (
        "user wang@example.cn phone 13812345678 / +86 139-0000-1111? tel 0478-7654321 "
        "from 203.0.113.77 and 2001:db8:85a3:8d3:1319:8a2e:370:7348 at 04:22:10 "
        "Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl key gmk_0a1b2c_s3cr3t-x "
        "hash $argon2id$v=19$m=65536,t=3,p=4$salt$hash password=hunter22 refresh_token: abcDEF123 "
        "DETAIL:  Key (uscc)=(91150821MA0000017X) already exists. "
        "DETAIL:  Failing row contains (7, 王芳, null)."
    )
    cleaned = redact(line)
    for leaked in (
        "wang@",
        "13812345678",
        "0000-1111",
        "7654321",
        "203.0.113.77",
        "8a2e",
        "eyJ",
        "s3cr3t",
        "$argon2",
        "hunter22",
        "abcDEF123",
    ):
        assert leaked not in cleaned, (leaked, cleaned)
    assert "203.0.113.0/24" in cleaned and "2001:db8:85a3::/48" in cleaned
    assert "04:22:10" in cleaned and redact("127.0.0.1:5432") == "127.0.0.1:5432"


@pytest.mark.dbless
def test_uvicorn_access_log_keeps_only_the_network_prefix(caplog) -> None:
    from uvicorn.logging import AccessFormatter

    install_redaction()
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "198.51.100.23:52144", "GET", "/v/K3F9ABCD", "1.1", 200
    )
    line = AccessFormatter("%(client_addr)s %(request_line)s %(status_code)s").format(
        caplog.records[-1]
    )
    assert "198.51.100.23" not in line and "198.51.100.0/24" in line and "200" in line


async def test_a_logged_dbapi_error_quotes_no_parameters(session, caplog) -> None:
    """Whatever logs a DBAPI error (our 500 handler, the scan writer, a library) prints its text
    and traceback: neither holds the bound values, on either database."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    account = await factories.user(session, Role.REGULATOR, username=OTHER_EMAIL)
    duplicate = {
        "username": account.username,
        "display_name": "王芳",
        "password_hash": HOLDER_HASH,
        "role": Role.REGULATOR,
    }
    caplog.set_level(logging.DEBUG)
    try:
        async with session.begin_nested():
            await session.execute(insert(User).values(**duplicate))
    except IntegrityError as exc:
        error = exc
        logging.getLogger("gimark.errors").exception("unhandled error")
    else:
        raise AssertionError("the duplicate username was accepted")
    assert HOLDER_HASH not in str(error) and "[parameters" not in str(error)
    for secret in (OTHER_EMAIL, HOLDER_HASH):
        assert not [t for t in _everything_logged(caplog) if secret in t], secret
