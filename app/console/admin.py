"""Admin pages: the accounts (list, create, deactivate and reactivate) and the label-key ids
in use. Every change goes through ``app.auth.service``, audited there as on the API; the
label-key page reads the ids from the settings and never a secret."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.console.admin_forms import ROLE_NAMES, UserForm
from app.console.deps import permit_console
from app.console.listing import ListSpec, ListState, csv_response, every_page
from app.console.templates import local_time, render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.principal import Principal, Role
from app.enterprise import service as enterprise_service
from app.label import overview
from app.organisation import service as organisation_service

router = APIRouter(prefix="/console/admin", include_in_schema=False)

USERS = "/console/admin/users"
ENTERPRISES_LISTED = 200  # the chooser's size; the registry's pages list the rest


async def enterprise_names(session: AsyncSession, principal: Principal) -> dict[int, str]:
    """Enterprise names by id, for the chooser and to show names rather than ids."""
    page = PageParams(limit=ENTERPRISES_LISTED, offset=0)
    enterprises, _total = await enterprise_service.list_readable(session, principal, page, None)
    return {enterprise.id: enterprise.name for enterprise in enterprises}


async def organisation_names(session: AsyncSession) -> dict[int, str]:
    """Organisation names by id, for the new account's chooser and the list's column."""
    page = PageParams(limit=ENTERPRISES_LISTED, offset=0)
    found, _total = await organisation_service.listing(session, page, None, None)
    return {org.id: f"{org.name_zh}（{org.division_code}）" for org in found}


USER_LIST = ListSpec(
    USERS, sorts=("username", "-username", "-id", "id"), filters=("role", "active")
)
USER_CSV_HEADER = (
    "用户名 username",
    "姓名 name",
    "角色 role",
    "所属企业 enterprise",
    "启用 active",
    "最近登录 last login",
)


def _user_filters(state: ListState) -> dict[str, Any]:
    role = state.filter("role")
    active = state.filter("active")
    return {
        "q": state.q or None,
        "role": Role(role) if role in {r.value for r in Role} else None,
        "active": {"yes": True, "no": False}.get(active),
        "sort": state.sort,
    }


async def _users_csv(session: AsyncSession, principal: Principal, state: ListState) -> Response:
    filters = _user_filters(state)
    users = await every_page(lambda page: auth_service.list_users_page(session, page, **filters))
    names = await enterprise_names(session, principal)
    rows = [
        (
            user.username,
            user.display_name,
            user.role.value,
            names.get(user.enterprise_id, "") if user.enterprise_id else "",
            "yes" if user.is_active else "no",
            local_time(user.last_login_at),
        )
        for user in users
    ]
    return csv_response("users", USER_CSV_HEADER, rows)


async def _users_page(
    request: Request, session: AsyncSession, principal: Principal, form: UserForm, status: int
) -> HTMLResponse:
    state = USER_LIST.read(request)
    found = await auth_service.list_users_page(session, state.params(), **_user_filters(state))
    context: dict[str, Any] = {
        "users": found.items,
        "found": found,
        "list": state,
        "enterprises": await enterprise_names(session, principal),
        "organisations": await organisation_names(session),
        "roles": ROLE_NAMES,
        "form": form,
        "me": principal.user_id,
        "created": request.query_params.get("created"),
    }
    return render(request, "admin_users.html", context, status)


@router.get("/users", response_class=HTMLResponse, response_model=None)
async def users(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.list")],
) -> Response:
    state = USER_LIST.read(request)
    if state.wants_csv:
        return await _users_csv(session, principal, state)
    return await _users_page(request, session, principal, UserForm(), 200)


@router.post("/users", response_class=HTMLResponse)
async def create_user(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.create")],
) -> Response:
    form = UserForm.from_form(await request.form())
    data = form.validated()
    if data is None:
        return await _users_page(request, session, principal, form, 422)
    try:
        user = await auth_service.create_user(session, principal, data)
    except DomainError as exc:
        form.refuse(exc)
        return await _users_page(request, session, principal, form, exc.status)
    return RedirectResponse(f"{USERS}?created={user.username}", status_code=303)


@router.get("/users/{user_id}/deactivate", response_class=HTMLResponse)
async def confirm_deactivate(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.deactivate")],
    user_id: int,
) -> HTMLResponse:
    """Says what deactivating changes before it is done."""
    user = await auth_service.get_user(session, user_id)
    return render(request, "admin_user_deactivate.html", {"user": user})


@router.post("/users/{user_id}/deactivate")
async def deactivate(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.deactivate")],
    user_id: int,
) -> Response:
    await auth_service.set_user_active(session, principal, user_id, False)
    return RedirectResponse(USERS, status_code=303)


@router.post("/users/{user_id}/reactivate")
async def reactivate(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.reactivate")],
    user_id: int,
) -> Response:
    await auth_service.set_user_active(session, principal, user_id, True)
    return RedirectResponse(USERS, status_code=303)


@router.get("/label-keys", response_class=HTMLResponse)
async def label_keys(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("label_key.list")],
) -> HTMLResponse:
    settings = request.app.state.settings
    use = await overview.use_by_key_id(session)
    # Configured ids, and ids still found on labels whose key was removed from the settings
    # (those labels no longer verify: the page shows it so the admin can put the key back).
    ids = sorted(set(settings.label_keys) | set(use))
    rows = [
        {
            "id": key_id,
            "configured": key_id in settings.label_keys,
            "current": key_id == settings.label_current_key_id,
            "use": use.get(key_id),
        }
        for key_id in ids
    ]
    return render(request, "admin_label_keys.html", {"keys": rows})
