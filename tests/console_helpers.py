"""Helpers of the console tests: read a page's CSRF token, sign in through the form."""

from __future__ import annotations

import re
from typing import Any

import factories
import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def client_for(app: Any, address: str = "198.51.100.7") -> httpx.AsyncClient:
    """https: the test settings' public URL is https, so the session cookie is Secure and an
    http client would never send it back."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="https://testserver")


async def log_in(
    client: httpx.AsyncClient, username: str, password: str = factories.PASSWORD, **extra: str
) -> httpx.Response:
    form = await client.get("/console/login")
    assert form.status_code == 200
    data = {"username": username, "password": password, "csrf_token": csrf_of(form.text)}
    return await client.post("/console/login", data={**data, **extra})
