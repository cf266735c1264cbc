"""``HotPaths`` takes the hottest GET routes ahead of the route table: what it takes must answer
exactly as the ordinary route would, errors included, and what it does not take must reach the
ordinary routes untouched."""

import httpx
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from app.core.errors import DomainError, install_error_handlers
from app.core.hotpath import HotPaths, SegmentRoute, healthz


class Refused(DomainError):
    status, code = 409, "refused"


async def echo(scope: Scope, _receive: Receive, send: Send) -> None:
    code = scope["path_params"]["code"]
    if code == "refuse":
        raise Refused("no")
    body = f'{{"hot":"{code}"}}'.encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def small_app() -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    async def slow_healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/things/{code}")
    async def thing(code: str) -> dict[str, str]:
        return {"routed": code}

    @app.post("/things/{code}")
    async def post_thing(code: str) -> dict[str, str]:
        return {"posted": code}

    install_error_handlers(app)
    hot = SegmentRoute("/things/", "code", 8, echo)
    app.add_middleware(
        HotPaths, handlers=app.exception_handlers, exact={"/healthz": healthz}, segments=(hot,)
    )
    return app


def client_of(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_hot_routes_are_taken_and_the_rest_goes_down_the_route_table() -> None:
    async with client_of(small_app()) as client:
        assert (await client.get("/things/abc")).json() == {"hot": "abc"}
        # Longer than the hot route admits, below it, another method, or with a body: routed.
        assert (await client.get("/things/abcdefghi")).json() == {"routed": "abcdefghi"}
        assert (await client.get("/things/abc/more")).status_code == 404
        assert (await client.post("/things/abc")).json() == {"posted": "abc"}
        with_body = await client.request("GET", "/things/abc", content=b"x")
        assert with_body.json() == {"routed": "abc"}


async def test_a_hot_handlers_error_is_answered_by_the_apps_own_handler() -> None:
    async with client_of(small_app()) as client:
        refused = await client.get("/things/refuse")
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "refused"


async def test_healthz_answers_byte_for_byte_as_the_fastapi_route() -> None:
    app = FastAPI()

    @app.get("/healthz")
    async def slow_healthz() -> dict[str, str]:
        return {"status": "ok"}

    async with client_of(app) as client:
        routed = await client.get("/healthz")
    async with client_of(small_app()) as client:
        hot = await client.get("/healthz")
    assert hot.content == routed.content
    assert hot.headers["content-type"] == routed.headers["content-type"]
    assert hot.headers["content-length"] == routed.headers["content-length"]


async def test_gimark_serves_its_hot_paths_through_every_middleware(client) -> None:
    health = await client.get("/healthz", headers={"X-Request-Id": "probe0001"})
    assert health.json() == {"status": "ok"} and health.headers["x-request-id"] == "probe0001"
    # A NUL in the path is refused by its middleware, which wraps the hot path too.
    nul = await client.get("/api/v1/verify/AB%00CD")
    assert nul.status_code == 422 and nul.headers["x-request-id"]


async def test_a_hot_route_leaves_the_route_in_the_scope_as_the_router_would() -> None:
    seen: dict[str, object] = {}

    async def spy(scope: Scope, receive: Receive, send: Send) -> None:
        await echo(scope, receive, send)
        seen["route"] = scope["route"].path

    app = FastAPI()
    hot = SegmentRoute("/things/", "code", 8, spy)
    app.add_middleware(HotPaths, handlers=app.exception_handlers, exact={}, segments=(hot,))
    async with client_of(app) as client:
        assert (await client.get("/things/abc")).json() == {"hot": "abc"}
    assert seen["route"] == "/things/{code}"


def edge_app(metrics, limiter=None) -> FastAPI:  # type: ignore[no-untyped-def]
    """``small_app`` with HotPaths outermost, doing the outer middlewares' work itself."""
    from app.core.hotpath import Edge
    from app.core.requestid import RequestIdMiddleware
    from app.web.errors import server_error

    async def broken(scope: Scope, _receive: Receive, _send: Send) -> None:
        raise RuntimeError("boom")

    app = small_app()
    app.user_middleware.clear()  # small_app's own HotPaths: this one replaces it
    app.add_middleware(RequestIdMiddleware, on_error=server_error)
    hot = (SegmentRoute("/things/", "code", 8, echo), SegmentRoute("/broken/", "x", 8, broken))
    edge = Edge(metrics, None, limiter, server_error)
    app.add_middleware(
        HotPaths,
        handlers=app.exception_handlers,
        exact={"/healthz": healthz},
        segments=hot,
        edge=edge,
    )
    return app


async def test_at_the_edge_a_hot_request_gets_an_id_its_errors_and_its_metrics() -> None:
    from app.core.metrics import RequestMetrics

    metrics = RequestMetrics()
    async with client_of(edge_app(metrics)) as client:
        ok = await client.get("/things/abc", headers={"X-Request-Id": "edge00001"})
        refused = await client.get("/things/refuse")
        broken = await client.get("/broken/x")
    assert ok.json() == {"hot": "abc"} and ok.headers["x-request-id"] == "edge00001"
    assert (refused.status_code, refused.json()["code"]) == (409, "refused")
    assert refused.headers["x-request-id"]
    assert broken.status_code == 500 and broken.headers["x-request-id"]
    assert broken.headers["content-type"] == "application/problem+json"
    assert metrics._counts == {
        ("GET", "/things/{code}", 200): 1,
        ("GET", "/things/{code}", 409): 1,
        ("GET", "/broken/{x}", 500): 1,
    }


async def test_at_the_edge_the_rate_limit_is_the_middlewares_own() -> None:
    from app.core.metrics import RequestMetrics
    from app.core.ratelimit import MemoryBackend, PathLimit, RateLimitMiddleware, Rule

    rules = [PathLimit("things", Rule(2, 60), prefixes=("/things/",))]
    limiter = RateLimitMiddleware(echo, rules=rules, backend=MemoryBackend())
    metrics = RequestMetrics()
    async with client_of(edge_app(metrics, limiter)) as client:
        statuses = [(await client.get(f"/things/a{n}")).status_code for n in range(3)]
        last = await client.get("/things/z")
    assert statuses == [200, 200, 429] and last.headers["retry-after"]
    assert last.headers["x-request-id"] and metrics._counts[("GET", "/things/{code}", 429)] == 2
