"""A licensee account or key names an enterprise that must exist: refused as not found (the
foreign key says so, in a savepoint, so nothing of the refused request is left behind)."""

import factories

from app.core.principal import Role


async def test_a_licensee_user_of_a_missing_enterprise_is_not_found(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    body = {
        "username": "orphan",
        "display_name": "O",
        "password": "long enough pw",
        "role": "licensee",
        "enterprise_id": 999999,
    }
    refused = await client.post("/api/v1/users", json=body, headers=admin)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "enterprise 999999 does not exist"
    users = (await client.get("/api/v1/users", headers=admin)).json()
    assert "orphan" not in [u["username"] for u in users]
    company = await factories.enterprise(session)
    created = await client.post(
        "/api/v1/users", json=body | {"enterprise_id": company.id}, headers=admin
    )
    assert created.status_code == 201


async def test_a_licensee_key_of_a_missing_enterprise_is_not_found(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    body = {"name": "k", "role": "licensee", "enterprise_id": 999999}
    refused = await client.post("/api/v1/api-keys", json=body, headers=admin)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "enterprise 999999 does not exist"
    keys = (await client.get("/api/v1/api-keys", headers=admin)).json()
    assert keys == []
    events = await client.get("/api/v1/audit/events?action=api_key.create", headers=admin)
    assert events.json()["total"] == 0
