"""Per-client rate limits for the public endpoints: in memory by default, Redis when shared.

Designed for carrier-grade NAT, where thousands of phones share one IPv4 address: a "client" is
an IPv4 address or an IPv6 /64 (:func:`client_key`), and what such an address may do cheaply is
what thousands of honest shoppers do — check genuine codes, over and over. What is limited hard
is what only an enumerator does: many *distinct* malformed or unknown codes (judged by the code
alone, before any database query: :class:`CodeCheckLimit`). Report spam is limited per source
here and per code in the report router. A flood from one source spends only its own budgets.

Both backends run GCRA (the generic cell rate algorithm): each key stores one number, the
"theoretical arrival time" (TAT) of its next request. A rule of ``limit`` per ``period`` lets a
client spend ``limit`` requests at once and then one every ``period / limit`` seconds, which is
a sliding window without storing timestamps.

* Memory: per worker, O(1) per hit, one float per live key. Keys are kept in last-hit order;
  each hit drops up to two keys from the cold end whose TAT has passed (such a key is the same
  as no key), and a hard cap evicts the coldest key even if live, so a flood of distinct
  addresses can never grow the table past ``max_keys``. An evicted live key only gets a fresh
  allowance: the error is always on the lenient side.
* Redis: shared by every worker; one EVALSHA round trip per hit, atomic in a Lua script that
  reads the Redis server's clock so workers with skewed clocks agree. Keys expire by themselves.
  **If Redis fails, the request is not refused**: a warning is logged, Redis is left alone for
  ``cooldown_seconds`` (so an outage costs one timeout, not one per request) and meanwhile each
  worker judges requests with its own in-memory limiter (``local_fallback=False``: let
  everything through). A public verification page must not go down because the limiter's store did.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import IPv6Address
from typing import Protocol

from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.clientip import Address, Network, client_ip, parse_networks
from app.core.errors import problem

logger = logging.getLogger("gimark.ratelimit")

_SLACK = 1e-9  # float rounding must not cost a client the last request of its burst
_IPV6_SUBNET_MASK = ((1 << 64) - 1) << 64


@dataclass(frozen=True, slots=True)
class Rule:
    """``limit`` requests per ``period_seconds``, all at once or spread out."""

    limit: int
    period_seconds: float
    interval: float = field(init=False, repr=False, compare=False)  # what one request costs

    def __post_init__(self) -> None:
        if self.limit < 1 or not self.period_seconds > 0:
            raise ValueError("a rate-limit rule needs limit >= 1 and period_seconds > 0")
        object.__setattr__(self, "interval", self.period_seconds / self.limit)


@dataclass(frozen=True, slots=True)
class Decision:
    """``retry_after`` is whole seconds (0 when allowed); ``remaining`` is what is left now."""

    allowed: bool
    retry_after: int
    remaining: int


def _refused(excess: float) -> Decision:
    return Decision(False, max(1, math.ceil(excess)), 0)


def _allowed(rule: Rule, ahead: float) -> Decision:
    return Decision(True, 0, int((rule.period_seconds - ahead) / rule.interval + _SLACK))


ALLOW = Decision(True, 0, 0)


class Backend(Protocol):
    async def hit(self, key: str, rule: Rule) -> Decision: ...

    async def forget(self, key: str) -> None:
        """Drop ``key`` as if it had never been hit."""


class MemoryBackend:
    """One worker's limiter; see the module docstring for the memory bound."""

    def __init__(
        self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_keys, self._clock = max_keys, clock
        self._tats: OrderedDict[str, float] = OrderedDict()

    @property
    def size(self) -> int:
        """Keys held now (not ``__len__``: an empty limiter must not be falsy)."""
        return len(self._tats)

    async def hit(self, key: str, rule: Rule) -> Decision:
        now = self._clock()
        tat = max(self._tats.pop(key, now), now)  # pop + insert keeps last-hit order
        ahead = tat + rule.interval - now  # how far past its allowance this hit would go
        allowed = ahead <= rule.period_seconds + _SLACK
        self._tats[key] = tat + rule.interval if allowed else tat
        self._evict(now)
        return _allowed(rule, ahead) if allowed else _refused(ahead - rule.period_seconds)

    async def forget(self, key: str) -> None:
        self._tats.pop(key, None)

    def _evict(self, now: float) -> None:
        tats = self._tats
        for _ in range(2):  # two per hit outpaces the one key a hit can add
            coldest = next(iter(tats), None)
            if coldest is None or tats[coldest] > now:
                break
            del tats[coldest]
        while len(tats) > self.max_keys:
            tats.popitem(last=False)


# KEYS[1] = the client's key; ARGV = interval, period (milliseconds). Returns {allowed,
# retry-after ms, remaining}. TIME is allowed in scripts since Redis 5 (effects replication).
_GCRA_LUA = """
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local interval, period = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local ahead = tat + interval - now
if ahead > period + 0.001 then return {0, math.ceil(ahead - period), 0} end
redis.call('SET', KEYS[1], string.format('%.3f', tat + interval), 'PX', math.ceil(ahead))
return {1, 0, math.floor((period - ahead) / interval + 1e-9)}
"""


class RedisBackend:
    """Shared across workers; fails open (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "gimark:rl:",
        timeout: float = 0.25,
        cooldown_seconds: float = 5.0,
        local_fallback: bool = True,
    ) -> None:
        # No client-side retries: a retry only adds latency to a page we will serve anyway.
        self.redis: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        self.prefix, self.cooldown_seconds = prefix, cooldown_seconds
        self.fallback: Backend | None = MemoryBackend() if local_fallback else None
        self._script = self.redis.register_script(_GCRA_LUA)
        self._down_until = 0.0

    async def hit(self, key: str, rule: Rule) -> Decision:
        if time.monotonic() < self._down_until:
            return await self._degraded(key, rule)
        try:
            reply: list[int] = await self._script(
                keys=[self.prefix + key], args=[rule.interval * 1000, rule.period_seconds * 1000]
            )
        except (RedisError, OSError) as exc:
            self._down_until = time.monotonic() + self.cooldown_seconds
            meanwhile = "no limits" if self.fallback is None else "each worker limits alone"
            logger.warning(
                "rate-limit store unreachable (%r); for %.0f s: %s",
                exc,
                self.cooldown_seconds,
                meanwhile,
            )
            return await self._degraded(key, rule)
        allowed, retry_ms, remaining = reply
        if allowed:
            return Decision(True, 0, int(remaining))
        return _refused(int(retry_ms) / 1000)

    async def forget(self, key: str) -> None:
        if self.fallback is not None:
            await self.fallback.forget(key)
        if time.monotonic() < self._down_until:
            return
        try:
            await self.redis.delete(self.prefix + key)
        except (RedisError, OSError) as exc:
            logger.warning("rate-limit store unreachable (%r) while forgetting a key", exc)

    async def _degraded(self, key: str, rule: Rule) -> Decision:
        return await self.fallback.hit(key, rule) if self.fallback is not None else ALLOW

    async def aclose(self) -> None:
        await self.redis.aclose()


@dataclass(frozen=True, slots=True)
class PathLimit:
    """Which requests a rule covers; ``name`` keeps each group's counts apart."""

    name: str
    rule: Rule
    prefixes: tuple[str, ...] = ()
    paths: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset({"GET", "HEAD", "POST"})

    def matches(self, method: str, path: str) -> bool:
        return method in self.methods and (path in self.paths or path.startswith(self.prefixes))

    async def decide(self, backend: Backend, client: str, path: str) -> Decision:
        return await backend.hit(f"{self.name}:{client}", self.rule)


# The label code in a checking path: /v/CODE, /V/CODE, /api/v1/verify/CODE[/location] and the
# GS1 Digital Link /01/GTIN/10/LOT/21/CODE.
_LINK_CODE = "/21/"


def code_in_path(path: str) -> str:
    if path.startswith("/01/"):
        return path.rpartition(_LINK_CODE)[2]
    api = "/api/v1/verify/"
    rest = path[len(api) :] if path.startswith(api) else path[3:]  # else "/v/" or "/V/"
    return rest.partition("/")[0]


@dataclass(frozen=True, slots=True)
class CodeCheckLimit(PathLimit):
    """Checks of label codes. Every check spends the client's large ``rule`` (the budget of
    everyone behind one address); a code that ``bad_code`` judges malformed or not minted by us
    (it returns the code's canonical form, so case and hyphens make no new code) also spends
    ``bad`` — but only the first time this client sends that code within the
    ``bad`` period, so a shopper re-scanning one counterfeit label, or many shoppers behind one
    NAT scanning the same fake, cost one unit, while an enumerator pays for every guess."""

    bad: Rule = Rule(120, 3600)
    bad_code: Callable[[str], str | None] = lambda _code: None

    async def decide(self, backend: Backend, client: str, path: str) -> Decision:
        decision = await backend.hit(f"{self.name}:{client}", self.rule)
        code = self.bad_code(code_in_path(path)[:64]) if decision.allowed else None
        if code is None:
            return decision
        seen = f"{self.name}-seen:{client}:{code}"
        if not (await backend.hit(seen, Rule(1, self.bad.period_seconds))).allowed:
            return decision  # a repeat of a code this client already paid for
        bad = await backend.hit(f"{self.name}-bad:{client}", self.bad)
        if not bad.allowed:
            await backend.forget(seen)  # refused, so not paid for: a retry must pay again
        return bad


@lru_cache(maxsize=16_384)
def client_key(address: Address) -> str:
    """IPv4 per address; IPv6 per /64, the smallest block one subscriber is given (limiting a
    single IPv6 address would let anyone rotate through 2^64 of them)."""
    if isinstance(address, IPv6Address):
        return f"{IPv6Address(int(address) & _IPV6_SUBNET_MASK)}/64"
    return str(address)


Refusal = Callable[[Scope, int], Response]


def problem_refusal(_scope: Scope, retry_after: int) -> Response:
    detail = f"too many requests from your network; try again in {retry_after} s"
    response = problem(429, "rate_limited", detail, retry_after=retry_after)
    response.headers["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): an unlimited path costs a few ``startswith``, a
    limited one a client-address parse and one or a few backend hits. ``refusal`` renders the
    429 (problem+json by default; the app passes one that answers its HTML pages in HTML)."""

    def __init__(
        self,
        app: ASGIApp,
        rules: Sequence[PathLimit],
        trusted_proxies: Sequence[Network | str] = (),
        redis_url: str | None = None,
        backend: Backend | None = None,
        refusal: Refusal = problem_refusal,
    ) -> None:
        self.app, self.rules, self.refusal = app, tuple(rules), refusal
        self.trusted_proxies = parse_networks(trusted_proxies)
        if backend is None:
            backend = RedisBackend(redis_url) if redis_url else MemoryBackend()
        self.backend = backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = await self.refusal_for(scope) if scope["type"] == "http" else None
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def refusal_for(self, scope: Scope) -> Response | None:
        """The 429 for this HTTP request if it is over a limit (which it spends), else
        ``None``; also called by ``app.core.hotpath`` for the requests it serves itself."""
        limit = self._limit_for(scope)
        if limit is None:
            return None
        client = client_key(client_ip(scope, self.trusted_proxies))
        decision = await limit.decide(self.backend, client, scope["path"])
        return None if decision.allowed else self.refusal(scope, decision.retry_after)

    def _limit_for(self, scope: Scope) -> PathLimit | None:
        method, path = scope["method"], scope["path"]
        for limit in self.rules:
            if limit.matches(method, path):
                return limit
        return None


VERIFY_PREFIXES = ("/v/", "/V/", "/api/v1/verify/", "/01/")
PUBLIC_PREFIXES = ("/public/", "/api/v1/public/")
REPORT_PATHS = frozenset({"/api/v1/reports", "/report"})  # exact: staff triage lives below
LOGIN_PATHS = frozenset({"/api/v1/auth/token", "/api/v1/auth/refresh"})
POST = frozenset({"POST"})
HOUR = 3600


@dataclass(frozen=True, slots=True)
class PublicLimits:
    """The public budgets (README "Rate limits"). All but ``reports_per_code_per_hour`` are per
    client: an IPv4 address or an IPv6 /64."""

    checks_per_minute: int = 12_000  # every check, any code: what a CGNAT address may need
    bad_codes_per_hour: int = 120  # distinct malformed or unknown codes
    reports_per_hour: int = 20  # reports filed
    reports_per_code_per_hour: int = 10  # reports about one code, from everyone together
    pages_per_minute: int = 600  # register and notices
    logins_per_minute: int = 30  # sign-in and token refresh: password guessing


def default_rules(
    limits: PublicLimits = PublicLimits(), bad_code: Callable[[str], str | None] | None = None
) -> list[PathLimit]:
    """``bad_code(text)`` says from the code alone whether it is malformed or not ours (the app
    passes its label codec's verdict); without it every code counts as good."""
    checks = CodeCheckLimit(
        "verify",
        Rule(limits.checks_per_minute, 60),
        prefixes=VERIFY_PREFIXES,
        bad=Rule(limits.bad_codes_per_hour, HOUR),
        bad_code=bad_code or (lambda _code: None),
    )
    return [
        PathLimit("report", Rule(limits.reports_per_hour, HOUR), paths=REPORT_PATHS, methods=POST),
        checks,
        PathLimit("public", Rule(limits.pages_per_minute, 60), prefixes=PUBLIC_PREFIXES),
        PathLimit("login", Rule(limits.logins_per_minute, 60), paths=LOGIN_PATHS, methods=POST),
    ]
