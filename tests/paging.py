"""Walking a keyset-paged list through the API, as a client would: follow ``next_cursor``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

PROBLEM = "application/problem+json"


async def walk(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    params: dict[str, Any] | None = None,
    between: Callable[[int], Awaitable[None]] | None = None,
) -> list[dict[str, Any]]:
    """Every item of the list, page by page; ``between(n)`` runs after the n-th page (to insert
    rows while the client is paging)."""
    items: list[dict[str, Any]] = []
    query = dict(params or {})
    for pages in range(1, 1000):
        response = await client.get(url, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if body["next_cursor"] is None:
            return items
        query["cursor"] = body["next_cursor"]
        if between is not None:
            await between(pages)
    raise AssertionError("the cursor never reached the end")


def assert_cursor_refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "unprocessable" and body["field"] == "query.cursor"
