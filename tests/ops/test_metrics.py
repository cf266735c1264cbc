"""``/metrics``: not public, in the Prometheus text format (read back with the client library's
own parser), requests per route template, and the sampled state of the public check."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client.parser import text_string_to_metric_families
from verification_fixtures import client_from

from app.main import create_app

TOKEN = "metrics-token-for-the-test-0123456789"
VERIFY_ROUTE = "/api/v1/verify/{code}"


@pytest.fixture
def metered_app(test_settings, database):
    return create_app(test_settings.model_copy(update={"metrics_token": TOKEN}), database)


def _families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _value(family, name: str, **labels) -> float:
    return sum(
        s.value
        for s in family.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


async def test_metrics_are_refused_without_the_token(metered_app, client, label_world) -> None:
    async with client_from(metered_app, "198.51.100.20") as metered:
        assert (await metered.get("/metrics")).status_code == 404
        wrong = {"Authorization": "Bearer not-the-token"}
        assert (await metered.get("/metrics", headers=wrong)).status_code == 404
    # No token set: no metrics at all.
    assert (
        await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    ).status_code == 404


async def test_metrics_count_routes_by_template_and_sample_the_check(metered_app, label_world):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    code = label_world["code"]
    running = metered_app.router.lifespan_context(metered_app)
    async with running, client_from(metered_app, "198.51.100.21") as client:
        before = _families((await client.get("/metrics", headers=auth)).text)
        for _ in range(3):
            assert (await client.get(f"/api/v1/verify/{code}")).status_code == 200
        await client.get("/no/such/path/here")
        await asyncio.sleep(1.2)  # the sampler runs once a second
        response = await client.get("/metrics", headers=auth)

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = _families(response.text)
    requests = after["gimark_http_requests"]
    counted = _value(requests, "gimark_http_requests_total", route=VERIFY_ROUTE, status="200")
    was = _value(
        before["gimark_http_requests"],
        "gimark_http_requests_total",
        route=VERIFY_ROUTE,
        status="200",
    )
    assert counted - was == 3
    assert not any(code in s.labels.get("route", "") for s in requests.samples)
    assert _value(requests, "gimark_http_requests_total", route="(unmatched)", status="404") >= 1
    latency = after["gimark_http_request_duration_seconds"]
    assert _value(latency, "gimark_http_request_duration_seconds_count", route=VERIFY_ROUTE) >= 3
    assert any(s.name.endswith("_bucket") and s.labels.get("le") == "+Inf" for s in latency.samples)
    assert "gimark_scan_buffer_depth" in after and "gimark_scan_buffer_dropped" in after
    lookups = after["gimark_verify_cache_lookups"]
    assert _value(lookups, "gimark_verify_cache_lookups_total", result="hit") >= 1
    assert "gimark_db_pool_in_use" in after and "gimark_db_pool_open" in after
