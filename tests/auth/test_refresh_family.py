"""Refresh-token reuse revokes the whole family: every token rotated from the same login."""

import asyncio

import factories
import httpx
import pytest
from sqlalchemy import func, select

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.auth.models import RefreshFamily, RefreshToken
from app.core.db import Database
from app.core.principal import Role
from app.main import create_app


async def _login(client, username: str) -> dict:
    response = await client.post(
        "/api/v1/auth/token", data={"username": username, "password": factories.PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _refresh(client, token: str) -> httpx.Response:
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _bearer(pair: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def test_reusing_a_spent_token_revokes_every_later_token(session, client) -> None:
    account = await factories.user(session, Role.REGULATOR)
    first = await _login(client, account.username)
    elsewhere = await _login(client, account.username)  # another device: another family
    second = (await _refresh(client, first["refresh_token"])).json()
    third = (await _refresh(client, second["refresh_token"])).json()
    assert (await client.get("/api/v1/auth/me", headers=_bearer(third))).status_code == 200

    reused = await _refresh(client, first["refresh_token"])
    assert reused.status_code == 401 and reused.json()["code"] == "refresh_token_reused"

    # The descendants die with it, refresh and access tokens alike ...
    assert (await _refresh(client, third["refresh_token"])).status_code == 401
    for pair in (first, second, third):
        assert (await client.get("/api/v1/auth/me", headers=_bearer(pair))).status_code == 401
    # ... the other login does not, and the reuse is in the ledger.
    assert (await client.get("/api/v1/auth/me", headers=_bearer(elsewhere))).status_code == 200
    assert (await _refresh(client, elsewhere["refresh_token"])).status_code == 200
    events = list(
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.refresh_reuse"))
    )
    assert [e.actor for e in events] == [f"user:{account.username}"]
    assert events[0].object_type == "refresh_family" and events[0].reason


async def test_reusing_a_token_from_before_families_revokes_every_login(session, client) -> None:
    """A token issued before revision 0003 has no family: its reuse signs out every session."""
    from datetime import timedelta

    from app.auth.tokens import new_opaque_secret, sha256_hex
    from app.core.time import utcnow

    account = await factories.user(session, Role.ADMIN)
    legacy = new_opaque_secret()
    session.add(
        RefreshToken(
            user_id=account.id,
            family_id=None,
            token_hash=sha256_hex(legacy),
            expires_at=utcnow() + timedelta(days=1),
        )
    )
    await session.flush()
    current = await _login(client, account.username)
    rotated = (await _refresh(client, legacy)).json()
    assert (await _refresh(client, legacy)).json()["code"] == "refresh_token_reused"
    for pair in (current, rotated):
        assert (await client.get("/api/v1/auth/me", headers=_bearer(pair))).status_code == 401


@pytest.mark.parametrize("attempt", range(3))
async def test_concurrent_double_refresh_has_one_winner_and_revokes_the_family(
    engine, test_settings, on_sqlite, attempt: int
) -> None:
    if on_sqlite:
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every writer)")
    database = Database(engine)  # real, committed transactions: no shared test transaction
    async with database.sessionmaker() as session, session.begin():
        account = await factories.user(
            session, Role.LICENSEE, (await factories.enterprise(session)).id
        )
    app = create_app(test_settings, database)
    # 50 clients, each from its own network, so the sign-in rate limit does not pick the winner.
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(f"203.0.{n}.9", 40000)),
            base_url="http://testserver",
        )
        for n in range(50)
    ]
    try:
        pair = await _login(clients[0], account.username)
        responses = await asyncio.gather(
            *(_refresh(client, pair["refresh_token"]) for client in clients)
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(200) == 1 and set(statuses) <= {200, 401, 409}, statuses
        winner = next(r.json() for r in responses if r.status_code == 200)
        assert (await _refresh(clients[1], winner["refresh_token"])).status_code == 401
        me = await clients[2].get("/api/v1/auth/me", headers=_bearer(winner))
        assert me.status_code == 401
    finally:
        for client in clients:
            await client.aclose()

    async with database.sessionmaker() as session:
        families = list(
            await session.scalars(select(RefreshFamily).where(RefreshFamily.user_id == account.id))
        )
        assert len(families) == 1 and families[0].revoked_at is not None
        reuse_events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "auth.refresh_reuse",
                AuditEvent.object_id == str(families[0].id),
            )
        )
        assert reuse_events == 1
        assert (await audit_service.verify_chain(session)).ok


async def test_a_disabled_account_can_neither_refresh_nor_use_its_tokens(session, client) -> None:
    account = await factories.user(session, Role.LICENSEE, (await factories.enterprise(session)).id)
    pair = await _login(client, account.username)
    account.is_active = False
    await session.flush()
    assert (await _refresh(client, pair["refresh_token"])).status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=_bearer(pair))).status_code == 401
