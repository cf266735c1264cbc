"""Per-client rate limits for the public endpoints: in memory by default, Redis when set.

The memory backend is a fixed window per (rule, client) with O(1) work per hit and a bounded
table (oldest windows are dropped first), so a flood of distinct addresses cannot exhaust
memory. The Redis backend shares counts across workers with one INCR+EXPIRE round trip; if
Redis is unreachable the request is let through and a warning logged: a public page must not
go down because the limiter's store did.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.clientip import Network, client_ip
from app.core.errors import problem

logger = logging.getLogger("gimark.ratelimit")


@dataclass(frozen=True)
class Rule:
    name: str
    prefixes: tuple[str, ...]
    limit: int
    period_seconds: int
    methods: frozenset[str] = frozenset({"GET", "POST", "HEAD"})

    def matches(self, method: str, path: str) -> bool:
        return method in self.methods and path.startswith(self.prefixes)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int


class Backend(Protocol):
    async def hit(self, key: str, rule: Rule) -> Decision: ...


class MemoryBackend:
    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._windows: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def hit(self, key: str, rule: Rule) -> Decision:
        now = time.monotonic()
        window = int(now // rule.period_seconds)
        started, count = self._windows.pop(key, (window, 0))
        count = count + 1 if started == window else 1
        self._windows[key] = (window, count)
        if len(self._windows) > self.max_keys:
            self._windows.popitem(last=False)
        if count <= rule.limit:
            return Decision(True, 0)
        return Decision(False, max(1, math.ceil((window + 1) * rule.period_seconds - now)))


class RedisBackend:
    def __init__(self, url: str, prefix: str = "gimark:rl:") -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self.prefix = prefix

    async def hit(self, key: str, rule: Rule) -> Decision:
        window = int(time.time() // rule.period_seconds)
        redis_key = f"{self.prefix}{key}:{window}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(redis_key)
                pipe.expire(redis_key, rule.period_seconds)
                count, _ = await pipe.execute()
        except Exception as exc:
            logger.warning("rate-limit store unavailable, letting request through: %s", exc)
            return Decision(True, 0)
        if int(count) <= rule.limit:
            return Decision(True, 0)
        return Decision(False, max(1, math.ceil((window + 1) * rule.period_seconds - time.time())))


class RateLimitMiddleware:
    """Pure ASGI, so its cost on the verify hot path is a dict lookup."""

    def __init__(
        self,
        app: ASGIApp,
        rules: Sequence[Rule],
        backend: Backend,
        trusted_proxies: Sequence[Network],
    ) -> None:
        self.app, self.rules, self.backend = app, tuple(rules), backend
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            rule = self._rule(scope["method"], scope["path"])
            if rule is not None:
                client = client_ip(scope, self.trusted_proxies)
                decision = await self.backend.hit(f"{rule.name}:{client}", rule)
                if not decision.allowed:
                    await self._refuse(decision, scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _rule(self, method: str, path: str) -> Rule | None:
        for rule in self.rules:
            if rule.matches(method, path):
                return rule
        return None

    async def _refuse(self, decision: Decision, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            429, "rate_limited",
            f"too many requests from your network; try again in {decision.retry_after} s",
        )  # fmt: skip
        response.headers["Retry-After"] = str(decision.retry_after)
        await response(scope, receive, send)


def default_rules(per_minute: int) -> list[Rule]:
    """Reports are stricter than checks: a person files a few, a scanner checks many."""
    return [
        Rule("report", ("/api/v1/reports", "/report"), max(per_minute // 20, 3), 60,
             frozenset({"POST"})),
        Rule("verify", ("/v/", "/V/", "/api/v1/verify/", "/01/"), per_minute, 60),
        Rule("public", ("/public/", "/api/v1/public/", "/api/v1/auth/token"), per_minute, 60),
    ]  # fmt: skip
