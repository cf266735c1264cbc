"""Passwords in the console: anyone changes their own (the current one required), an admin
resets anyone's (a generated one-time password shown once, or one the admin types).

Both go through ``app.auth.service`` (audited there, every other session of the account
ended). After one's own change this browser gets a fresh session, since the new password's
credential stamp ends the one it came with; an account whose password someone else set
reaches only this page until it has changed it (``app.console.deps``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.models import User
from app.console import session as console_session
from app.console.deps import current_visit, permit_console
from app.console.login import HOME, set_session_cookie
from app.console.password_form import PasswordForm
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.principal import Principal

router = APIRouter(prefix="/console", include_in_schema=False)


def _change_page(request: Request, form: PasswordForm, status: int = 200) -> HTMLResponse:
    visit = current_visit(request)
    forced = visit is not None and visit.must_change_password
    return render(request, "password.html", {"form": form, "forced": forced}, status)


@router.get("/password", response_class=HTMLResponse)
async def change_form(
    request: Request,
    _principal: Annotated[Principal, permit_console("user.password_change")],
) -> HTMLResponse:
    return _change_page(request, PasswordForm())


@router.post("/password", response_class=HTMLResponse)
async def change(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.password_change")],
) -> Response:
    form = PasswordForm.from_form(await request.form())
    if not form.check_change():
        return _change_page(request, form, 422)
    try:
        async with session.begin_nested():  # a refusal leaves the session row untouched
            user = await auth_service.change_own_password(
                session, principal, form.current, form.new
            )
    except DomainError as exc:
        form.refuse(exc)
        return _change_page(request, form, exc.status)
    return await _fresh_session(request, session, user)


async def _fresh_session(request: Request, session: AsyncSession, user: User) -> Response:
    """The changed password ended every session, this one too: this browser gets a new one."""
    visit = current_visit(request)
    if visit is not None:
        await console_session.end(session, visit)
    settings = request.app.state.settings
    started = await console_session.start(session, settings, user)
    response = RedirectResponse(f"{HOME}?password=changed", status_code=303)
    set_session_cookie(response, settings, started.token)
    return response


# --- an admin's reset ----------------------------------------------------------------------

USERS = "/console/admin/users"


def _reset_page(
    request: Request, user: User, form: PasswordForm, status: int = 200
) -> HTMLResponse:
    return render(request, "admin_user_password.html", {"user": user, "form": form}, status)


@router.get("/admin/users/{user_id}/password", response_class=HTMLResponse)
async def reset_form(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("user.password_reset")],
    user_id: int,
) -> HTMLResponse:
    """Says what a reset changes, and offers a generated password or one typed by the admin."""
    return _reset_page(request, await auth_service.get_user(session, user_id), PasswordForm())


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
async def reset(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.password_reset")],
    user_id: int,
) -> Response:
    user = await auth_service.get_user(session, user_id)
    form = PasswordForm.from_form(await request.form())
    if not form.check_reset():
        return _reset_page(request, user, form, 422)
    typed = form.new if form.choice == "set" else None
    password = await auth_service.reset_password(session, principal, user.id, typed)
    if user.id == principal.user_id:  # one's own reset ends this session too
        return RedirectResponse(f"{HOME}/login", status_code=303)
    # Answered, not redirected: a generated password exists only in this answer (no-store).
    context = {"user": user, "password": password if typed is None else None}
    return render(request, "admin_user_password_done.html", context)
