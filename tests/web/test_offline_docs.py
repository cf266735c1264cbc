"""/docs and /redoc in real Chromium with every other host cut off: both render every
operation, and no request leaves 127.0.0.1 (the issue's test for offline docs)."""

from __future__ import annotations

import httpx
import pytest
from browser import needs_chromium, screenshot

pytestmark = [pytest.mark.dbless, needs_chromium]
VERIFY = "/api/v1/verify/{code}"


def operations_in(server) -> set[tuple[str, str]]:
    schema = httpx.get(server.url("/openapi.json")).json()
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    return {
        (m.upper(), path) for path, item in schema["paths"].items() for m in item if m in methods
    }


# An operation with two tags is shown under each: the set of (method, path) is what counts.
SHOWN_BY_SWAGGER = """[...document.querySelectorAll('.opblock-summary')].map(s => [
    s.querySelector('.opblock-summary-method').innerText.trim(),
    s.querySelector('.opblock-summary-path').dataset.path])"""


def test_swagger_ui_renders_every_operation_and_runs_one_offline(
    demo_server, page, blocked_requests
) -> None:
    page.goto(demo_server.url("/docs"))
    verify = page.locator(f".opblock-get:has(.opblock-summary-path[data-path='{VERIFY}'])")
    verify.first.wait_for()
    assert {tuple(shown) for shown in page.evaluate(SHOWN_BY_SWAGGER)} == operations_in(demo_server)
    screenshot(page, "docs")
    # Open the public check, try it out on a demo code: the answer comes back from this host.
    verify.first.locator(".opblock-summary").click()
    verify.first.get_by_role("button", name="Try it out").click()
    verify.first.locator("input[placeholder='code']").fill(demo_server.demo_codes[0])
    verify.first.get_by_role("button", name="Execute").click()
    status = verify.first.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert '"is_demo": true' in verify.first.locator(".live-responses-table").inner_text()
    assert blocked_requests == []


def test_redoc_renders_every_operation_offline(demo_server, page, blocked_requests) -> None:
    page.goto(demo_server.url("/redoc"))
    operations = page.locator("[data-section-id*='/operation/']")
    operations.first.wait_for()
    ids = operations.evaluate_all("sections => sections.map(s => s.dataset.sectionId)")
    shown = {section_id.split("/operation/", 1)[1] for section_id in ids}
    assert len(shown) == len(operations_in(demo_server))
    assert page.get_by_text(VERIFY).count() >= 1
    # ReDoc's sidebar asks a CDN for its logo: the page's policy refuses it before it is sent.
    assert blocked_requests == []
