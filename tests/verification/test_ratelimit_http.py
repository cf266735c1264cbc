from verification_fixtures import client_from

from app.main import create_app


async def test_limit_answers_429_with_retry_after_and_spares_others(
    test_settings, database, label_world
) -> None:
    app = create_app(test_settings.model_copy(update={"public_rate_limit_per_minute": 5}), database)
    code = label_world["code"]
    async with client_from(app, "203.0.113.9") as flood, client_from(app, "198.51.100.4") as other:
        statuses = [(await flood.get(f"/api/v1/verify/{code}")).status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
        refused = await flood.get(f"/v/{code}")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "rate_limited"
        assert (await other.get(f"/api/v1/verify/{code}")).status_code == 200


async def test_spoofed_forwarded_for_is_ignored_unless_from_a_trusted_proxy(
    test_settings, database, label_world
) -> None:
    code = label_world["code"]
    plain = create_app(
        test_settings.model_copy(update={"public_rate_limit_per_minute": 3}), database
    )
    async with client_from(plain, "203.0.113.9") as attacker:
        statuses = [
            (
                await attacker.get(
                    f"/api/v1/verify/{code}", headers={"X-Forwarded-For": f"10.0.0.{n}"}
                )
            ).status_code
            for n in range(5)
        ]
    assert statuses.count(429) == 2  # rotating a fake header does not buy more requests

    behind_proxy = create_app(
        test_settings.model_copy(
            update={"public_rate_limit_per_minute": 3, "trusted_proxies": ["10.1.0.0/16"]}
        ),
        database,
    )
    async with client_from(behind_proxy, "10.1.2.3") as proxy:
        for n in range(4):  # four real clients behind one proxy: each within its own limit
            header = {"X-Forwarded-For": f"6.6.6.6, 198.51.100.{n}"}
            assert (await proxy.get(f"/api/v1/verify/{code}", headers=header)).status_code == 200
