"""API-key pages: the keys the caller may see (an admin every key, a licensee its
enterprise's, other staff their own, as on the API), a new key whose secret is shown on the
answer to the form and never again (only its hash is stored; a double-submitted form makes
one key and shows its secret again, see ``app.console.sealed_secret``), and revocation after
a page that says what it will stop."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from app.console.admin import enterprise_names
from app.console.admin_forms import ROLE_NAMES, KeyForm
from app.console.deps import permit_console
from app.console.listing import ListSpec, ListState, csv_response, every_page
from app.console.sealed_secret import record_key, seal, unseal
from app.console.templates import local_time, render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.principal import Principal, Role
from app.idempotency import service as idempotency

router = APIRouter(prefix="/console/admin/keys", include_in_schema=False)

KEYS = "/console/admin/keys"


KEY_LIST = ListSpec(KEYS, sorts=("-id", "id"), filters=("live",))
KEY_CSV_HEADER = (
    "名称 name",
    "前缀 prefix",
    "角色 role",
    "所属企业 enterprise",
    "创建 created",
    "最近使用 last used",
    "吊销 revoked",
)


def _key_filters(state: ListState) -> dict[str, Any]:
    live = {"yes": True, "no": False}.get(state.filter("live"))
    return {"q": state.q or None, "live": live, "sort": state.sort}


async def _keys_csv(session: AsyncSession, principal: Principal, state: ListState) -> Response:
    filters = _key_filters(state)
    keys = await every_page(
        lambda page: auth_service.list_api_keys_page(session, principal, page, **filters)
    )
    names = await enterprise_names(session, principal)
    rows = [
        (
            key.name,
            f"gmk_{key.prefix}_",
            key.role.value,
            names.get(key.enterprise_id, "") if key.enterprise_id else "",
            local_time(key.created_at),
            local_time(key.last_used_at),
            local_time(key.revoked_at) if key.revoked_at else "",
        )
        for key in keys
    ]
    return csv_response("api-keys", KEY_CSV_HEADER, rows)


async def _keys_page(
    request: Request, session: AsyncSession, principal: Principal, form: KeyForm, status: int
) -> HTMLResponse:
    state = KEY_LIST.read(request)
    found = await auth_service.list_api_keys_page(
        session, principal, state.params(), **_key_filters(state)
    )
    context: dict[str, Any] = {
        "keys": found.items,
        "found": found,
        "list": state,
        "enterprises": await enterprise_names(session, principal),
        "roles": ROLE_NAMES,
        "form": form,
        "may_choose_scope": principal.role is Role.ADMIN,  # others mint keys of their own scope
    }
    return render(request, "admin_keys.html", context, status)


@router.get("", response_class=HTMLResponse, response_model=None)
async def keys(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("api_key.list")],
) -> Response:
    state = KEY_LIST.read(request)
    if state.wants_csv:
        return await _keys_csv(session, principal, state)
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
        created = await _create_once(request, session, principal, data, form.key)
    except DomainError as exc:
        form.refuse(exc)
        return await _keys_page(request, session, principal, form, exc.status)
    # Answered here, not redirected: the secret exists only in this answer (no-store, see
    # ``render``); the list it links back to shows the key's prefix, never the secret.
    names = await enterprise_names(session, principal)
    context = {"key": created, "roles": ROLE_NAMES, "enterprises": names}
    return render(request, "admin_key_created.html", context, 201)


async def _create_once(
    request: Request, session: AsyncSession, principal: Principal, data: ApiKeyCreate, token: str
) -> ApiKeyCreated:
    """The key this form makes: created by this call, or by an earlier send of the same form
    (same one-time token), whose secret is unsealed again (``app.console.sealed_secret``)."""
    server_secret = request.app.state.settings.jwt_secret

    async def work() -> tuple[int, Any]:
        made = await auth_service.create_api_key(session, principal, data)
        return 201, {"key_id": made.id, "sealed": seal(made.api_key, server_secret, token)}

    digest = idempotency.request_hash("POST", KEYS, data.model_dump(mode="json"))
    async with session.begin_nested():  # a refusal undoes the record: the fixed form goes through
        _status, body = await idempotency.run_once(
            session, principal, record_key(token), digest, work
        )
    key = await auth_service.get_api_key(session, principal, int(body["key_id"]))
    secret = unseal(str(body["sealed"]), server_secret, token)
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), api_key=secret)


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
