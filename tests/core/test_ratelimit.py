import logging
import secrets
import socket
from ipaddress import ip_address

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.core.ratelimit import (
    CodeCheckLimit,
    MemoryBackend,
    PathLimit,
    RateLimitMiddleware,
    RedisBackend,
    Rule,
    client_key,
    code_in_path,
    default_rules,
)

REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ok(_request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def limited_app(**options) -> RateLimitMiddleware:
    routes = [
        Route("/v/{code}", ok),
        Route("/api/v1/reports", ok, methods=["POST", "GET"]),
        Route("/api/v1/reports/{n}/transition", ok, methods=["POST"]),
        Route("/health", ok),
    ]
    rules = options.pop("rules", None) or [
        PathLimit("verify", Rule(3, 60), prefixes=("/v/",)),
        PathLimit(
            "report",
            Rule(1, 3600),
            paths=frozenset({"/api/v1/reports"}),
            methods=frozenset({"POST"}),
        ),
    ]
    return RateLimitMiddleware(Starlette(routes=routes), rules=rules, **options)


def client(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def statuses(http: httpx.AsyncClient, n: int, path: str = "/v/X", **kwargs) -> list[int]:
    return [(await http.get(path, **kwargs)).status_code for _ in range(n)]


# --- the middleware, over HTTP ------------------------------------------------------------


async def test_over_the_limit_is_a_429_problem_with_retry_after() -> None:
    async with client(limited_app(), "203.0.113.9") as http:
        assert await statuses(http, 3) == [200, 200, 200]
        refused = await http.get("/v/X")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 20  # one request costs 60 / 3 s
    body = refused.json()
    assert body["title"] == "Too Many Requests" and body["status"] == 429
    assert body["code"] == "rate_limited" and body["type"] and "try again" in body["detail"]


async def test_a_flood_from_one_client_does_not_touch_another() -> None:
    app = limited_app()
    async with client(app, "203.0.113.9") as flood, client(app, "198.51.100.4") as other:
        assert (await statuses(flood, 50))[3:] == [429] * 47
        assert await statuses(other, 3) == [200, 200, 200]


async def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    app = limited_app(trusted_proxies=["10.0.0.0/8"])
    async with client(app, "203.0.113.9") as attacker:
        results = [
            (await attacker.get("/v/X", headers={"X-Forwarded-For": f"198.51.100.{n}"})).status_code
            for n in range(6)
        ]
    assert results == [200, 200, 200, 429, 429, 429]


async def test_a_trusted_proxy_chain_is_honoured_per_real_client() -> None:
    app = limited_app(trusted_proxies=["10.0.0.0/8"])
    async with client(app, "10.1.2.3") as proxy:
        for n in range(5):  # five clients behind one proxy, each within its own limit
            chain = {"X-Forwarded-For": f"6.6.6.6, 198.51.100.{n}, 10.0.0.9"}
            assert await statuses(proxy, 3, headers=chain) == [200] * 3
        chain = {"X-Forwarded-For": "7.7.7.7, 198.51.100.0"}  # a spoofed left end changes nothing
        assert await statuses(proxy, 1, headers=chain) == [429]


async def test_ipv6_clients_are_limited_per_64() -> None:
    app = limited_app()
    async with client(app, "2001:db8:1:2::1") as one, client(app, "2001:db8:1:2::ffff") as two:
        assert await statuses(one, 3) + await statuses(two, 1) == [200, 200, 200, 429]
    async with client(app, "2001:db8:1:3::1") as neighbour:
        assert await statuses(neighbour, 1) == [200]


async def test_only_matching_paths_and_methods_are_counted() -> None:
    app = limited_app()
    async with client(app, "203.0.113.9") as http:
        assert await statuses(http, 10, "/health") == [200] * 10
        assert [(await http.get("/api/v1/reports")).status_code for _ in range(3)] == [200] * 3
        posts = [(await http.post("/api/v1/reports")).status_code for _ in range(2)]
        assert posts == [200, 429]  # reports are counted, and per hour
        # the exact path: staff triage below it is not a consumer filing a report
        triage = [(await http.post("/api/v1/reports/1/transition")).status_code for _ in range(3)]
        assert triage == [200] * 3


async def test_default_rules_keep_reports_strict_and_triage_free() -> None:
    rules = default_rules()
    report = next(rule for rule in rules if rule.name == "report")
    assert report.rule.period_seconds == 3600 and report.rule.limit == 20
    assert report.matches("POST", "/api/v1/reports")
    assert not any(rule.matches("POST", "/api/v1/reports/7/transition") for rule in rules)
    assert any(rule.matches("GET", "/01/06901234567892/10/L1/21/CODE") for rule in rules)
    checks = next(rule for rule in rules if rule.name == "verify")
    assert checks.rule.limit == 12_000 and checks.bad.limit == 120  # type: ignore[attr-defined]


# --- checks of codes: generous for good codes, hard on distinct bad ones ----------------------


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/v/K3F9-ABCD", "K3F9-ABCD"),
        ("/V/K3F9ABCD", "K3F9ABCD"),
        ("/api/v1/verify/k3f9abcd", "k3f9abcd"),
        ("/api/v1/verify/k3f9abcd/location", "k3f9abcd"),
        ("/01/06901234567892/10/L-1/21/K3F9", "K3F9"),
    ],
)
def test_code_in_path(path, code) -> None:
    assert code_in_path(path) == code


def bad_unless_good(text: str) -> str | None:
    """A stand-in codec: codes starting with GOOD are ours; the rest are bad (canonical: upper)."""
    canonical = text.upper().replace("-", "")
    return None if canonical.startswith("GOOD") else canonical


def code_checks(checks: int = 1000, bad: int = 3) -> CodeCheckLimit:
    return CodeCheckLimit(
        "verify", Rule(checks, 60), prefixes=("/v/",), bad=Rule(bad, 3600), bad_code=bad_unless_good
    )


async def test_distinct_bad_codes_are_limited_and_repeats_are_free() -> None:
    limit, backend = code_checks(), MemoryBackend(clock=Clock())
    decide = limit.decide
    first_five = [(await decide(backend, "a", f"/v/BAD{n}")).allowed for n in range(5)]
    assert first_five == [True, True, True, False, False]
    # A code already paid for stays free (a shopper re-scanning one fake), in any spelling.
    assert all([(await decide(backend, "a", "/v/bad-1")).allowed for _ in range(20)])
    # A refused code was not paid for: asking again is still refused.
    assert not (await decide(backend, "a", "/v/BAD4")).allowed
    # Good codes and other clients are untouched.
    assert all([(await decide(backend, "a", f"/v/GOOD{n}")).allowed for n in range(50)])
    assert (await decide(backend, "b", "/v/BAD9")).allowed


async def test_every_check_spends_the_large_budget() -> None:
    limit, backend = code_checks(checks=10), MemoryBackend(clock=Clock())
    results = [(await limit.decide(backend, "a", "/v/GOOD1")).allowed for _ in range(12)]
    assert results == [True] * 10 + [False, False]


# --- the memory backend ---------------------------------------------------------------------


async def test_memory_backend_refills_one_request_per_interval() -> None:
    clock, rule = Clock(), Rule(3, 60)
    backend = MemoryBackend(clock=clock)
    assert [(await backend.hit("k", rule)).remaining for _ in range(3)] == [2, 1, 0]
    refused = await backend.hit("k", rule)
    assert not refused.allowed and refused.retry_after == 20
    clock.now += 20
    assert (await backend.hit("k", rule)).allowed
    assert not (await backend.hit("k", rule)).allowed


async def test_memory_backend_is_bounded_by_max_keys() -> None:
    backend = MemoryBackend(max_keys=100, clock=Clock())
    for n in range(10_000):
        await backend.hit(f"client-{n}", Rule(1, 60))
    assert backend.size == 100


async def test_memory_backend_drops_idle_keys_as_it_goes() -> None:
    clock = Clock()
    backend = MemoryBackend(clock=clock)
    for n in range(1_000):
        await backend.hit(f"old-{n}", Rule(5, 60))
    clock.now += 61  # every old key's allowance is back: storing it is pointless
    for n in range(600):
        await backend.hit(f"new-{n}", Rule(5, 60))
    assert backend.size == 600


async def test_a_flood_of_new_keys_does_not_free_a_busy_abuser() -> None:
    backend, rule = MemoryBackend(max_keys=50, clock=Clock()), Rule(2, 60)
    for n in range(5_000):
        abuser = await backend.hit("abuser", rule)
        await backend.hit(f"decoy-{n}", rule)
    assert not abuser.allowed


def test_a_rule_needs_a_positive_limit_and_period() -> None:
    with pytest.raises(ValueError):
        Rule(0, 60)
    with pytest.raises(ValueError):
        Rule(5, 0)


def test_client_keys() -> None:
    assert client_key(ip_address("203.0.113.9")) == "203.0.113.9"
    assert client_key(ip_address("2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64"


# --- the Redis backend ------------------------------------------------------------------------


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(
    not redis_reachable(), reason="no Redis server at 127.0.0.1:6379 (start one to run this test)"
)


@needs_redis
async def test_redis_backend_shares_state_between_workers() -> None:
    prefix = f"gimark-test:{secrets.token_hex(6)}:"
    first, second = RedisBackend(REDIS_URL, prefix=prefix), RedisBackend(REDIS_URL, prefix=prefix)
    try:
        rule = Rule(3, 60)
        seen = [await backend.hit("client", rule) for backend in (first, second, first, second)]
        assert [d.allowed for d in seen] == [True, True, True, False]
        assert [d.remaining for d in seen[:3]] == [2, 1, 0]
        assert 1 <= seen[3].retry_after <= 20
        assert 0 < await first.redis.pttl(prefix + "client") <= 60_000  # it cleans up after itself
        assert (await second.hit("someone-else", rule)).allowed
    finally:
        await first.redis.delete(prefix + "client", prefix + "someone-else")
        await first.aclose()
        await second.aclose()


@needs_redis
async def test_middleware_on_redis_url_limits_across_apps() -> None:
    rules = [PathLimit(f"verify-{secrets.token_hex(6)}", Rule(2, 60), prefixes=("/v/",))]
    one, two = (
        limited_app(rules=rules, redis_url=REDIS_URL),
        limited_app(rules=rules, redis_url=REDIS_URL),
    )
    async with client(one, "203.0.113.9") as a, client(two, "203.0.113.9") as b:
        assert await statuses(a, 1) + await statuses(b, 1) + await statuses(a, 1) == [200, 200, 429]
    for app in (one, two):
        await app.backend.aclose()


async def test_unreachable_redis_fails_open_with_a_warning(caplog) -> None:
    backend = RedisBackend("redis://127.0.0.1:1/0", timeout=0.1)  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="gimark.ratelimit"):
        decisions = [await backend.hit("client", Rule(3, 60)) for _ in range(5)]
    # each worker still limits on its own while the shared store is down; one warning, not five
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert len([r for r in caplog.records if "unreachable" in r.message]) == 1
    await backend.aclose()


async def test_unreachable_redis_without_local_fallback_lets_everything_through() -> None:
    backend = RedisBackend("redis://127.0.0.1:1/0", timeout=0.1, local_fallback=False)
    assert all([(await backend.hit("client", Rule(1, 60))).allowed for _ in range(5)])
    await backend.aclose()


@needs_redis
async def test_bad_code_limit_is_shared_through_redis() -> None:
    prefix = f"gimark-test:{secrets.token_hex(6)}:"
    first, second = RedisBackend(REDIS_URL, prefix=prefix), RedisBackend(REDIS_URL, prefix=prefix)
    limit = code_checks()
    try:
        results = [
            (await limit.decide(backend, "a", f"/v/BAD{n}")).allowed
            for n, backend in enumerate((first, second, first, second))
        ]
        assert results == [True, True, True, False]
        assert await first.redis.exists(prefix + "verify-seen:a:BAD0")
        assert not await first.redis.exists(prefix + "verify-seen:a:BAD3")  # refused: forgotten
        assert (await limit.decide(second, "a", "/v/bad-0")).allowed  # a repeat, on the other
    finally:
        keys = await first.redis.keys(prefix + "*")
        if keys:
            await first.redis.delete(*keys)
        await first.aclose()
        await second.aclose()
