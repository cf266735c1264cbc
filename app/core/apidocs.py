"""/docs (Swagger UI) and /redoc (ReDoc), with every script, style and image served by the app.

FastAPI's own docs pages load their assets from a CDN, which leaves them blank offline and
slow from mainland China. The fastapi-offline package ships copies of Swagger UI and ReDoc;
the pages here serve those copies, and send a Content-Security-Policy that lets the browser
fetch from this host only. ReDoc's sidebar would otherwise fetch its logo from a CDN (it hides
the image when that fails), and a future bundle that reached out anywhere else would be refused
the same way."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from app.core.permissions import PUBLIC

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/static-offline-docs"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Contrast fixes over Swagger UI's stylesheet (the accessibility gate: no serious axe finding).
ACCESSIBLE_CSS = (Path(__file__).parent / "apidocs.css").read_text()
ACCESSIBLE_CSS_URL = "/docs/accessible.css"
# Swagger UI's copy buttons (curl command, response) are icons without a name: give them one.
NAME_COPY_BUTTONS = """<script>
new MutationObserver(() => {
  for (const button of document.querySelectorAll(".copy-to-clipboard button:not([aria-label])")) {
    button.setAttribute("aria-label", "Copy to clipboard");
  }
}).observe(document.body, {childList: true, subtree: true});
</script>"""


def content_security_policy(html: str) -> str:
    """This host only; the page's own inline scripts are allowed by their hashes."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(html)
    )
    return (
        "default-src 'none'; "
        f"script-src 'self' {hashes}; "
        # Swagger UI and ReDoc (styled-components) inject <style> elements.
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self' blob:; form-action 'self'; base-uri 'self'; frame-ancestors 'self'"
    )


def confined(page: HTMLResponse, stylesheet: str | None = None, script: str = "") -> HTMLResponse:
    """The page in English (FastAPI's pages name no language), with an extra stylesheet after
    the UI's own and an extra script at the end, under the policy."""
    html = bytes(page.body).decode().replace("<html>", '<html lang="en">', 1)
    if stylesheet is not None:
        html = html.replace("</head>", f'<link rel="stylesheet" href="{stylesheet}">\n</head>', 1)
    html = html.replace("</body>", f"{script}\n</body>", 1)
    return HTMLResponse(html, headers={"Content-Security-Policy": content_security_policy(html)})


def install_api_docs(app: FastAPI) -> None:
    """Mount the assets and the three pages; the app must be built with docs_url=None and
    redoc_url=None so that FastAPI's CDN-backed pages are not there too."""
    assert app.docs_url is None and app.redoc_url is None, "FastAPI's CDN docs are still on"
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="api-docs-assets")
    router = APIRouter(include_in_schema=False, dependencies=[PUBLIC])

    # The pages read the app from the request, never from this closure: FastAPI caches every
    # endpoint for the life of the process, and a closure over ``app`` would keep each app
    # made (its engine, caches and routes) alive with it (a test suite makes thousands).
    @router.get("/docs")
    async def swagger_ui(request: Request) -> HTMLResponse:
        root, served = request.scope.get("root_path", ""), request.app
        return confined(
            get_swagger_ui_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{served.title} - Swagger UI",
                oauth2_redirect_url=f"{root}{oauth2_redirect_url}",
                swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                init_oauth=served.swagger_ui_init_oauth,
                # A deep link inside each operation's toggle button nests one control in
                # another, which screen readers cannot announce (axe: nested-interactive).
                # The highlighter's colours on its dark theme fall short of AA contrast.
                swagger_ui_parameters={
                    **(served.swagger_ui_parameters or {}),
                    "deepLinking": False,
                    "syntaxHighlight": False,
                },
            ),
            stylesheet=f"{root}{ACCESSIBLE_CSS_URL}",
            script=NAME_COPY_BUTTONS,
        )

    @router.get(ACCESSIBLE_CSS_URL)
    async def swagger_ui_accessible_css() -> Response:
        return Response(ACCESSIBLE_CSS, media_type="text/css")

    @router.get(oauth2_redirect_url)
    async def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return confined(get_swagger_ui_oauth2_redirect_html())

    @router.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return confined(
            get_redoc_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{request.app.title} - ReDoc",
                redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )

    app.include_router(router)
