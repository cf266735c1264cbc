"""Errors under ``/console`` are console pages in the page's language, with the status kept;
no session sends the browser to the login page, remembering where it was going.

Installed after the API's problem+json and the public pages' handlers, which it wraps: a
path outside ``/console`` is answered exactly as before."""

from __future__ import annotations

from inspect import isawaitable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.console.deps import PASSWORD_PAGE, LoginRequired, PasswordChangeDue
from app.console.login import carried_login_page
from app.console.templates import render
from app.core.errors import DomainError
from app.web.errors import Handler

PREFIX = "/console"

MESSAGES = {
    403: (
        "无权执行此操作，或表单的安全令牌已失效。请返回并刷新页面后重试。",
        "You may not do this, or the form's security token is no longer valid. Go back,"
        " reload the page and try again.",
    ),
    404: ("找不到这个页面或对象。", "This page or record does not exist."),
    405: ("请从页面上的链接或按钮进入。", "Please use the links and buttons on the page."),
    409: ("该对象当前的状态不允许此操作。", "This record's current state does not allow this."),
    422: ("地址或表单中的参数有误。", "Something in the address or the form is not valid."),
}
FALLBACK = ("出错了，请稍后重试。", "Something went wrong; please try again later.")


def is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def login_redirect(request: Request) -> RedirectResponse:
    """Back to this page after login; a refused POST comes back to its form's page (GET)."""
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"{PREFIX}/login?next={quote(target, safe='')}", status_code=303)


def error_page(request: Request, status: int) -> Response:
    message = MESSAGES.get(status, FALLBACK)
    return render(request, "error.html", {"status": status, "message": message}, status)


def _status_of(exc: Exception) -> int:
    if isinstance(exc, DomainError):
        return exc.status
    if isinstance(exc, StarletteHTTPException):
        return 422 if exc.status_code == 400 else exc.status_code
    return 422


def _console_pages(other: Handler) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if not is_console(request.url.path):
            answer = other(request, exc)
            return await answer if isawaitable(answer) else answer
        return error_page(request, _status_of(exc))

    return handler


async def _to_login(request: Request, exc: Exception) -> Response:
    """A page asked for is found again after login; a form sent is kept on the login page."""
    carried = exc.carried if isinstance(exc, LoginRequired) else []
    if carried:
        return carried_login_page(request, carried)
    return login_redirect(request)


async def _to_password_page(_request: Request, _exc: Exception) -> Response:
    return RedirectResponse(PASSWORD_PAGE, status_code=303)


def install_console_errors(app: FastAPI) -> None:
    """Call after ``install_html_errors``: wraps the handlers already installed."""
    for kind in (RequestValidationError, StarletteHTTPException, DomainError):
        app.add_exception_handler(kind, _console_pages(app.exception_handlers[kind]))
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(PasswordChangeDue, _to_password_page)
