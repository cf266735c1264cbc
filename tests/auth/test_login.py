from datetime import timedelta

import factories
import jwt

from app.auth.tokens import ALGORITHM, ISSUER
from app.core.principal import Role
from app.core.time import utcnow


async def test_login_me_and_refresh_rotation(session, client) -> None:
    account = await factories.user(session, Role.REGULATOR)
    response = await client.post(
        "/api/v1/auth/token", data={"username": account.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    pair = response.json()
    assert pair["token_type"] == "bearer" and pair["expires_in"] <= 30 * 60

    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.json()["role"] == "regulator" and me.json()["name"] == account.username

    renewed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert renewed.status_code == 200
    reused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert reused.status_code == 401 and reused.json()["code"] == "refresh_token_reused"


async def test_wrong_password_and_unknown_user_look_the_same(session, client) -> None:
    account = await factories.user(session, Role.ADMIN)
    wrong = await client.post(
        "/api/v1/auth/token", data={"username": account.username, "password": "x" * 12}
    )
    nobody = await client.post(
        "/api/v1/auth/token", data={"username": "nobody", "password": "x" * 12}
    )
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json()["detail"] == nobody.json()["detail"]


def _token(secret: str, **claims) -> str:
    now = utcnow()
    body = {
        "iss": ISSUER,
        "sub": "1",
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    body.update(claims)
    return jwt.encode(body, secret, algorithm=ALGORITHM)


async def _me_status(client, token: str) -> int:
    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
    return response.status_code


async def test_expired_tampered_and_unsigned_tokens_are_refused(
    session, client, test_settings
) -> None:
    account = await factories.user(session, Role.ADMIN)
    secret = test_settings.jwt_secret
    good = _token(secret, sub=str(account.id))
    assert await _me_status(client, good) == 200

    expired = _token(secret, sub=str(account.id), exp=utcnow() - timedelta(seconds=1))
    assert await _me_status(client, expired) == 401

    header, payload, signature = good.split(".")
    other = await factories.user(session, Role.ADMIN)  # swap in another subject, keep the signature
    tampered = _token(secret, sub=str(other.id)).split(".")[1]
    assert tampered != payload
    assert await _me_status(client, f"{header}.{tampered}.{signature}") == 401

    unsigned = jwt.encode(
        {
            "iss": ISSUER,
            "sub": str(account.id),
            "typ": "access",
            "iat": utcnow(),
            "exp": utcnow() + timedelta(minutes=5),
        },
        None,
        algorithm="none",
    )
    assert await _me_status(client, unsigned) == 401

    refresh_as_access = _token(secret, sub=str(account.id), typ="refresh")
    assert await _me_status(client, refresh_as_access) == 401


async def test_disabled_user_cannot_use_a_valid_token(session, client) -> None:
    account = await factories.user(session, Role.ADMIN)
    headers = await factories.login(client, account.username)
    account.is_active = False
    await session.flush()
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_api_key_shown_once_stored_hashed_and_revocable(session, client) -> None:
    company = await factories.enterprise(session)
    headers = await factories.auth_headers(session, client, Role.LICENSEE, company.id)
    created = await client.post("/api/v1/api-keys", json={"name": "print shop"}, headers=headers)
    assert created.status_code == 201
    body = created.json()
    secret = body["api_key"]
    assert body["enterprise_id"] == company.id and body["role"] == "licensee"

    listed = await client.get("/api/v1/api-keys", headers=headers)
    assert all("api_key" not in key for key in listed.json())
    from sqlalchemy import select

    from app.auth.models import ApiKey

    stored = await session.scalar(select(ApiKey).where(ApiKey.id == body["id"]))
    assert secret.split("_", 2)[2] not in stored.secret_hash

    me = await client.get("/api/v1/auth/me", headers={"X-API-Key": secret})
    assert me.status_code == 200 and me.json()["kind"] == "api_key"
    assert me.json()["enterprise_id"] == company.id

    await client.delete(f"/api/v1/api-keys/{body['id']}", headers=headers)
    assert (await client.get("/api/v1/auth/me", headers={"X-API-Key": secret})).status_code == 401
    assert (
        await client.get("/api/v1/auth/me", headers={"X-API-Key": "gmk_nope_nope"})
    ).status_code == 401


async def test_licensee_cannot_mint_staff_keys_or_see_other_keys(session, client) -> None:
    a = await factories.auth_headers(session, client, Role.LICENSEE)
    b = await factories.auth_headers(session, client, Role.LICENSEE)
    refused = await client.post("/api/v1/api-keys", json={"name": "x", "role": "admin"}, headers=a)
    assert refused.status_code == 403
    key = (await client.post("/api/v1/api-keys", json={"name": "b's"}, headers=b)).json()
    assert (await client.delete(f"/api/v1/api-keys/{key['id']}", headers=a)).status_code == 404
    assert key["id"] not in [
        k["id"] for k in (await client.get("/api/v1/api-keys", headers=a)).json()
    ]


async def test_admin_creates_users_and_licensee_needs_an_enterprise(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    body = {
        "username": "newlicensee",
        "display_name": "N",
        "password": "long enough pw",
        "role": "licensee",
    }
    missing = await client.post("/api/v1/users", json=body, headers=admin)
    assert missing.status_code == 422 and "enterprise_id" in missing.json()["detail"]
    company = await factories.enterprise(session)
    created = await client.post(
        "/api/v1/users", json=body | {"enterprise_id": company.id}, headers=admin
    )
    assert created.status_code == 201 and "password" not in created.text
    again = await client.post(
        "/api/v1/users", json=body | {"enterprise_id": company.id}, headers=admin
    )
    assert again.status_code == 409 and again.json()["code"] == "username_taken"
