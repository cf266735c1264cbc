"""Who is calling: the kernel's seam between a request and the ``Principal`` it acts as.

The kernel sits below every domain, so it cannot import ``app.auth`` (accounts, tokens, API
keys). It declares what a request presents (the two security schemes, which the OpenAPI
document describes) and a ``current_principal`` dependency that hands both credentials to an
*authenticator*; ``app.auth.deps.authenticate`` is that authenticator, and ``create_app``
installs it with :func:`install_authenticator`. Routes never use this module directly: they
name an action through ``app.core.permissions``, whose guard depends on ``current_principal``.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, FastAPI, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import SessionDep
from app.core.principal import Principal

# auto_error=False: a missing credential is the authenticator's problem (401 not_authenticated,
# rendered as problem+json), not FastAPI's bare 403.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


class Authenticator(Protocol):
    """Turns the presented credentials into a principal, or raises a 401 domain error."""

    async def __call__(
        self, session: AsyncSession, settings: Settings, token: str | None, api_key: str | None
    ) -> Principal: ...


def install_authenticator(app: FastAPI, authenticate: Authenticator) -> None:
    app.state.authenticate = authenticate


async def current_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    authenticate: Authenticator | None = getattr(request.app.state, "authenticate", None)
    if authenticate is None:  # a wiring error, never a client's: fail loudly (500)
        raise RuntimeError("no authenticator installed: create_app installs app.auth's")
    return await authenticate(session, request.app.state.settings, token, api_key)
