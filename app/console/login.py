"""Signing in and out of the console.

The login form checks the password through ``app.auth.service.check_credentials`` (the API's
own check), is rate-limited per account and per client address on the app's rate-limit store
(``app.core.ratelimit``: refused attempts wait, nobody is locked out), and carries a CSRF
token before any session exists: a random value in a short-lived cookie that the form must
echo (double submit), so another site cannot sign a browser in to an account of its choosing.

A form sent after its session expired arrives here with its fields (``LoginRequired.carried``):
the login page keeps them as hidden ``carry.<name>`` inputs, and a successful login answers
with a one-click page that sends them to the original form's address with the new session's
CSRF token, so nothing typed is lost (passwords and the dead token are never carried).
An account whose password someone else set is sent to the change-password page first.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth import service as auth_service
from app.auth.exceptions import InvalidCredentials
from app.console import session as console_session
from app.console.deps import (
    CSRF_FIELD,
    PASSWORD_PAGE,
    CsrfRefused,
    current_visit,
    never_carried,
    permit_console,
)
from app.console.templates import render
from app.core.clientip import client_ip, parse_networks
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.permissions import PUBLIC
from app.core.principal import Principal
from app.core.ratelimit import Backend, Decision, Rule, client_key

router = APIRouter(prefix="/console", include_in_schema=False)

LOGIN_CSRF_COOKIE = "gimark_console_login"
HOME = "/console"
CARRY = "carry."  # the login form's prefix for the fields of a form sent after its session ended
MAX_CARRIED = 200  # fields; a console form has a few dozen at most


def safe_next(target: str | None) -> str:
    """Only a console page of this site: never another host (``//evil``), never the login."""
    if not target or "\\" in target or target.startswith(HOME + "/login"):
        return HOME
    return target if target == HOME or target.startswith((HOME + "/", HOME + "?")) else HOME


def _login_page(
    request: Request,
    *,
    token: str,
    username: str = "",
    next_url: str = HOME,
    error: tuple[str, str] | None = None,
    status_code: int = 200,
    carried: list[tuple[str, str]] | None = None,
) -> HTMLResponse:
    context = {
        "username": username,
        "next": next_url,
        "error": error,
        "csrf_token": token,
        "carried": carried or [],
        "carry_prefix": CARRY,
    }
    response = render(request, "login.html", context, status_code)
    settings: Settings = request.app.state.settings
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=console_session.cookie_is_secure(settings),
        path=HOME,
    )
    return response


@router.get("/login", dependencies=[PUBLIC], response_class=HTMLResponse)
async def login_form(request: Request, next: str = HOME) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    return _login_page(request, token=token, next_url=safe_next(next))


def carried_login_page(request: Request, carried: list[tuple[str, str]]) -> HTMLResponse:
    """The login page for a form sent without a live session, keeping its fields."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    return _login_page(
        request, token=token, next_url=safe_next(request.url.path), carried=carried[:MAX_CARRIED]
    )


async def _carried(request: Request) -> list[tuple[str, str]]:
    form = await request.form()
    kept = [
        (name.removeprefix(CARRY), value)
        for name, value in form.multi_items()
        if name.startswith(CARRY) and isinstance(value, str)
    ]
    return [(name, value) for name, value in kept if not never_carried(name)][:MAX_CARRIED]


async def _rate_limited(request: Request, settings: Settings, username: str) -> Decision:
    """Both budgets are spent on every attempt: per address (one source guessing many
    accounts) and per account (many sources guessing one)."""
    backend: Backend = request.app.state.rate_limiter
    address = client_key(client_ip(request, parse_networks(settings.trusted_proxies)))
    per_address = Rule(settings.console_logins_per_address_per_minute, 60)
    per_account = Rule(settings.console_logins_per_account_per_15_minutes, 900)
    by_address = await backend.hit(f"console-login-address:{address}", per_address)
    by_account = await backend.hit(f"console-login-account:{username.casefold()}", per_account)
    return by_address if not by_address.allowed else by_account


WRONG_CREDENTIALS = (
    "用户名或密码错误，或账号已停用。",
    "Wrong username or password, or the account is disabled.",
)


def _too_many(wait: int) -> tuple[str, str]:
    return f"尝试次数过多，请 {wait} 秒后再试。", f"Too many attempts; try again in {wait} s."


def _signed_in(
    request: Request,
    settings: Settings,
    started: console_session.Started,
    target: str,
    carried: list[tuple[str, str]],
) -> Response:
    """To ``target``; or, with a form to send again, the page that sends it (answered to
    this POST: the fields exist nowhere else, and the page carries the new CSRF token)."""
    response: Response
    if carried:
        context = {"action": target, "fields": carried, "csrf_token": started.csrf_token}
        response = render(request, "resubmit.html", context)
    else:
        response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, settings, started.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=HOME)
    return response


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        console_session.COOKIE,
        token,
        max_age=settings.console_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=console_session.cookie_is_secure(settings),
        path=HOME,
    )


@router.post("/login", dependencies=[PUBLIC], response_class=HTMLResponse)
async def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = HOME,
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        raise CsrfRefused("the login form's security token is missing or wrong; reload it")
    settings: Settings = request.app.state.settings
    username, target = username.strip(), safe_next(next)
    carried = await _carried(request)
    page = functools.partial(
        _login_page, request, token=expected, username=username, next_url=target, carried=carried
    )
    decision = await _rate_limited(request, settings, username)
    if not decision.allowed:
        refused = _too_many(decision.retry_after)
        response = page(error=refused, status_code=429)
        response.headers["Retry-After"] = str(decision.retry_after)
        return response
    try:
        user = await auth_service.check_credentials(session, username, password)
    except InvalidCredentials:
        return page(error=WRONG_CREDENTIALS, status_code=401)
    started = await console_session.start(session, settings, user)
    if user.must_change_password:  # nothing else until the owner has chosen a password
        return _signed_in(request, settings, started, PASSWORD_PAGE, [])
    return _signed_in(request, settings, started, target, carried)


@router.post("/logout")
async def logout(
    request: Request,
    session: SessionDep,
    _actor: Annotated[Principal, permit_console("console.logout")],
) -> RedirectResponse:
    visit = current_visit(request)
    if visit is not None:
        await console_session.end(session, visit)
    response = RedirectResponse(f"{HOME}/login", status_code=303)
    response.delete_cookie(console_session.COOKIE, path=HOME)
    return response
