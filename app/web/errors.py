"""Errors on the public HTML pages are HTML pages in the page's language, with the status kept
(404, 422, 429 …); the JSON API keeps problem+json.

The problem+json handlers are installed first (``app.core.errors``); these wrap them and answer
in HTML only for a path in the public page space, so an API client never gets a web page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from app.core.errors import DomainError, problem, unexpected_error
from app.core.outage import RETRY_AFTER_SECONDS, DatabaseUnavailable, is_database_outage
from app.core.ratelimit import problem_refusal
from app.web.i18n import Lang, choose_lang, pick
from app.web.negotiation import preferred
from app.web.templates import render

LINKSET = "application/linkset+json"  # RFC 9264
Handler = Callable[[Request, Any], Response | Awaitable[Response]]

# The public pages: home, the code form, verdict pages (also the QR's upper-case /V/ and the
# GS1 Digital Link /01/…), register, notices, report form. Everything under /api/ is JSON.
PAGE_PREFIXES = ("/v/", "/V/", "/01/", "/public/")
PAGE_PATHS = frozenset({"/", "/check", "/report"})

HEADINGS = {
    400: ("链接有误", "This link is not valid"),
    404: ("找不到这个页面", "Page not found"),
    405: ("不支持这种访问方式", "Not allowed here"),
    422: ("没能读懂这个地址", "We could not read that address"),
    429: ("查询过于频繁", "Too many requests"),
    503: ("暂时无法查询", "Cannot check right now"),
}
MESSAGES = {
    400: (
        "链接中的商品条码（GTIN）不正确（位数或校验位有误），多半是链接输错或二维码损坏，并不代表假货。",
        "The product code (GTIN) in this link is not valid (length or check digit): most"
        " likely a mistyped link or a damaged QR code, not a fake.",
    ),
    404: ("您要找的内容不存在或已移除。", "What you are looking for does not exist or has moved."),
    405: ("请从页面上的链接或按钮进入。", "Please use the links and buttons on the page."),
    422: (
        "地址中的参数有误（例如码太长或页码不是数字）。请检查后重试。",
        "Something in the address is not valid (a code too long, a page number that is not a"
        " number…). Please check it and try again.",
    ),
    429: (
        "来自您所在网络的查询过于频繁，请稍后再试。",
        "Too many requests have come from your network; please wait a moment.",
    ),
    503: (
        "系统暂时无法连接数据库，请稍后再试。",
        "We cannot reach the register right now; please try again in a moment.",
    ),
}
FALLBACK = (("出错了", "Something went wrong"), ("请稍后重试。", "Please try again later."))


# Pages that also answer machines by ``Accept`` (the GS1 Digital Link resolver): an error
# there is problem+json for a client that prefers JSON, a page for a browser.
NEGOTIATED_PREFIXES = ("/01/",)
HTML_FIRST = ("text/html", "application/json", "application/problem+json", LINKSET)


def is_page(path: str) -> bool:
    return path in PAGE_PATHS or path.startswith(PAGE_PREFIXES)


def wants_page(request: Request) -> bool:
    """An error on this request is an HTML page (else problem+json)."""
    path = request.url.path
    if not is_page(path):
        return False
    if not path.startswith(NEGOTIATED_PREFIXES):
        return True
    if request.query_params.get("linkType", "").lower() in ("linkset", "all"):
        return False  # a linkset was asked for: a machine is asking
    return preferred(request.headers.get("accept"), HTML_FIRST) == "text/html"


def error_page(request: Request, status: int, retry_after: int | None = None) -> Response:
    lang: Lang = choose_lang(request)
    heading, message = HEADINGS.get(status, FALLBACK[0]), MESSAGES.get(status, FALLBACK[1])
    context = {
        "heading": pick(lang, *heading),
        "message": pick(lang, *message),
        "status": status,
        "tone": "warn" if status in (429, 503) else "bad",
        "retry_after": retry_after,
    }
    response = render(request, "error.html", context, status_code=status, lang=lang)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def too_many_requests(scope: Scope, retry_after: int) -> Response:
    """The rate limiter's 429: an HTML page saying when to retry on the public pages,
    problem+json elsewhere; ``Retry-After`` on both."""
    if not is_page(scope["path"]):
        return problem_refusal(scope, retry_after)
    return error_page(Request(scope), 429, retry_after)


def server_error(scope: Scope, exc: Exception) -> Response:
    """What an exception no handler took becomes (``RequestIdMiddleware``'s ``on_error``): a
    database outage is a 503 with ``Retry-After`` (an HTML page on the public pages and the
    console, problem+json elsewhere), anything else a 500 with the request id to quote."""
    if not is_database_outage(exc):
        return unexpected_error(scope, exc)
    path = scope["path"]
    if is_page(path) or path == "/console" or path.startswith("/console/"):
        return error_page(Request(scope), 503, RETRY_AFTER_SECONDS)
    outage = DatabaseUnavailable()
    response = problem(outage.status, outage.code, outage.detail, **outage.extra)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _html_for_pages(json_handler: Handler) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if not wants_page(request):
            answer = json_handler(request, exc)
            return await answer if isawaitable(answer) else answer
        status = exc.status if isinstance(exc, DomainError) else 422
        if isinstance(exc, StarletteHTTPException):
            # A body that cannot be parsed at all is a bad payload (422), as on the API.
            status = 422 if exc.status_code == 400 else exc.status_code
        retry_after = exc.extra.get("retry_after") if isinstance(exc, DomainError) else None
        return error_page(request, status, retry_after if status in (429, 503) else None)

    return handler


def install_html_errors(app: FastAPI) -> None:
    """Call after ``install_error_handlers``: wraps its problem+json handlers."""
    for kind in (RequestValidationError, StarletteHTTPException, DomainError):
        json_handler: Handler = app.exception_handlers[kind]
        app.add_exception_handler(kind, _html_for_pages(json_handler))
