"""API-key pages: the keys the caller may see (an admin every key, a licensee its
enterprise's, other staff their own, as on the API), a new key whose secret is shown on the
answer to the form and never again (only its hash is stored), and revocation after a page
that says what it will stop."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.console.admin import enterprise_names
from app.console.admin_forms import ROLE_NAMES, KeyForm
from app.console.deps import permit_console
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.principal import Principal, Role

router = APIRouter(prefix="/console/admin/keys", include_in_schema=False)

KEYS = "/console/admin/keys"


async def _keys_page(
    request: Request, session: AsyncSession, principal: Principal, form: KeyForm, status: int
) -> HTMLResponse:
    context: dict[str, Any] = {
        "keys": await auth_service.list_api_keys(session, principal),
        "enterprises": await enterprise_names(session, principal),
        "roles": ROLE_NAMES,
        "form": form,
        "may_choose_scope": principal.role is Role.ADMIN,  # others mint keys of their own scope
    }
    return render(request, "admin_keys.html", context, status)


@router.get("", response_class=HTMLResponse)
async def keys(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("api_key.list")],
) -> HTMLResponse:
    return await _keys_page(request, session, principal, KeyForm(), 200)


@router.post("", response_class=HTMLResponse)
async def create_key(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("api_key.create")],
) -> Response:
    form = KeyForm.from_form(await request.form())
    data = form.validated()
    if data is None:
        return await _keys_page(request, session, principal, form, 422)
    try:
        created = await auth_service.create_api_key(session, principal, data)
    except DomainError as exc:
        form.refuse(exc)
        return await _keys_page(request, session, principal, form, exc.status)
    # Answered here, not redirected: the secret exists only in this answer (no-store, see
    # ``render``); the list it links back to shows the key's prefix, never the secret.
    names = await enterprise_names(session, principal)
    context = {"key": created, "roles": ROLE_NAMES, "enterprises": names}
    return render(request, "admin_key_created.html", context, 201)


@router.get("/{key_id}/revoke", response_class=HTMLResponse)
async def confirm_revoke(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("api_key.revoke")],
    key_id: int,
) -> HTMLResponse:
    key = await auth_service.get_api_key(session, principal, key_id)
    return render(request, "admin_key_revoke.html", {"key": key})


@router.post("/{key_id}/revoke")
async def revoke_key(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("api_key.revoke")],
    key_id: int,
) -> Response:
    await auth_service.revoke_api_key(session, principal, key_id)
    return RedirectResponse(KEYS, status_code=303)
