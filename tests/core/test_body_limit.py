"""Request bodies are bounded per route and refused with 413 while they stream in."""

import json

import factories
import pytest
from sqlalchemy import func, select

from app.core.bodylimit import DEFAULT_LIMIT, MIB, BodyLimitMiddleware
from app.core.principal import Role
from app.enterprise.models import Enterprise
from app.report.models import ConsumerReport
from app.verification.models import Scan

LOCATION = "/api/v1/verify/K3F9ABCDEFGHJKMNPQRS/location"


def assert_too_large(response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "body_too_large" and body["request_id"]
    assert response.headers["x-request-id"] == body["request_id"]


async def chunks(total: int, size: int = 16 * 1024):
    """A body sent chunked: httpx declares no Content-Length for an async iterator."""
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def test_oversized_declared_length_is_refused_and_nothing_stored(session, client) -> None:
    scans = await count(session, Scan)
    body = b'{"latitude": 41.1, "longitude": 108.3, "pad": "' + b"x" * DEFAULT_LIMIT + b'"}'
    response = await client.post(
        LOCATION, content=body, headers={"content-type": "application/json"}
    )
    assert_too_large(response)
    assert await count(session, Scan) == scans


async def test_oversized_chunked_body_is_refused_and_nothing_stored(session, client) -> None:
    scans = await count(session, Scan)
    response = await client.post(
        LOCATION, content=chunks(DEFAULT_LIMIT + 1), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_too_large(response)
    assert await count(session, Scan) == scans


async def test_staff_json_route_keeps_the_stored_row(session, client) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    enterprise = await factories.enterprise(session)
    update = {"name": "x" * DEFAULT_LIMIT, "address": "五原县", "region": "巴彦淖尔市"}
    for content in (json.dumps(update).encode(), chunks(DEFAULT_LIMIT + 1)):
        response = await client.put(
            f"/api/v1/enterprises/{enterprise.id}",
            content=content,
            headers={**regulator, "content-type": "application/json"},
        )
        assert_too_large(response)
    await session.refresh(enterprise)
    assert enterprise.name.startswith("测试企业")
    assert await count(session, Enterprise) >= 1


async def test_report_photo_route_has_its_larger_limit(session, client) -> None:
    reports = await count(session, ConsumerReport)
    files = {"photo": ("p.jpg", b"\xff\xd8" + b"0" * (7 * MIB), "image/jpeg")}
    form = {"what_was_seen": "a label that looks printed at home"}
    too_big = await client.post("/api/v1/reports", data=form, files=files)
    assert_too_large(too_big)
    assert "6 MB" in too_big.json()["detail"]
    # 200 KB is over the JSON default but well inside the report's limit: it reaches the handler.
    files = {"photo": ("p.jpg", b"\xff\xd8" + b"0" * (200 * 1024), "image/jpeg")}
    inside = await client.post("/api/v1/reports", data=form, files=files)
    assert inside.status_code == 422 and inside.json()["code"] == "photo_corrupt"
    assert await count(session, ConsumerReport) == reports


async def test_small_bodies_pass(session, client) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    enterprise = await factories.enterprise(session)
    update = {"name": "五原县新名字有限公司", "address": "五原县", "region": "巴彦淖尔市"}
    response = await client.put(
        f"/api/v1/enterprises/{enterprise.id}", json=update, headers=regulator
    )
    assert response.status_code == 200, response.text


async def _run(middleware, headers, parts):
    """Drive the middleware as a server would; returns (status, chunks the app pulled)."""
    pulled, sent = [], []

    async def receive():
        pulled.append(1)
        index = len(pulled) - 1
        return {"type": "http.request", "body": parts[index], "more_body": index + 1 < len(parts)}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/anything",
        "headers": headers,
        "query_string": b"",
    }
    await middleware(scope, receive, send)
    return sent[0]["status"], len(pulled)


async def _drain(scope, receive, send):
    """An app that buffers the whole body, as Starlette's Request.body() does."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.mark.dbless
async def test_declared_length_over_limit_reads_nothing() -> None:
    middleware = BodyLimitMiddleware(_drain, limits=(), default=1000)
    status, pulled = await _run(middleware, [(b"content-length", b"50000000")], [b"x" * 1000] * 5)
    assert (status, pulled) == (413, 0)


@pytest.mark.dbless
async def test_chunked_body_is_not_drained_past_the_limit() -> None:
    middleware = BodyLimitMiddleware(_drain, limits=(), default=1000)
    parts = [b"x" * 300] * 1000  # 300 KB on offer; the limit is passed on the fourth chunk
    status, pulled = await _run(middleware, [], parts)
    assert (status, pulled) == (413, 4)
