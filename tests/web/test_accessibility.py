"""The accessibility gate the console pages will pass too: axe-core in real Chromium, zero
serious and zero critical violations (contrast counts), on the public pages and /docs."""

from __future__ import annotations

import pytest
from browser import axe_violations, describe, needs_chromium, screenshot

pytestmark = [pytest.mark.dbless, needs_chromium]

PUBLIC_PAGES = {
    "home": "/",
    "verify": "/v/{code}",
    "notices": "/public/notices",
    "register": "/public/register",
    "report": "/report?code={code}",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_serious_accessibility_violation(
    demo_server, page, blocked_requests, name, lang
) -> None:
    path = PUBLIC_PAGES[name].format(code=demo_server.demo_codes[0])
    separator = "&" if "?" in path else "?"
    page.goto(demo_server.url(f"{path}{separator}lang={lang}"))
    screenshot(page, f"public-{name}-{lang}", full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert blocked_requests == []


def test_api_docs_have_no_serious_accessibility_violation(demo_server, page) -> None:
    """Swagger UI folded, then with the public check tried out and its answer shown. (ReDoc
    at /redoc is not gated: its own widgets have findings that its options cannot fix.)"""
    page.goto(demo_server.url("/docs"))
    verify = page.locator(".opblock-get:has([data-path='/api/v1/verify/{code}'])").first
    verify.wait_for()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    verify.locator(".opblock-summary").click()
    verify.get_by_role("button", name="Try it out").click()
    verify.locator("input[placeholder='code']").fill(demo_server.demo_codes[0])
    verify.get_by_role("button", name="Execute").click()
    verify.locator(".live-responses-table tbody .response-col_status").first.wait_for()
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_gate_is_live(page) -> None:
    """axe runs and reports: low contrast and an unlabelled field are caught."""
    page.set_content(
        "<!doctype html><html lang='en'><title>t</title><main>"
        "<p style='color:#bbb;background:#fff'>faint</p><input></main></html>"
    )
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"color-contrast", "label"} <= found
