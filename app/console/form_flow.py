"""The one way a console form is carried out: validate, run the service in a savepoint,
show the refusal by its field or redirect (Post/Redirect/Get)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import DomainError

Data = TypeVar("Data")
Done = TypeVar("Done")


class Refusable(Protocol):
    def refuse(self, exc: DomainError) -> None: ...


async def decide(
    session: AsyncSession,
    form: Refusable,
    data: Data | None,
    act: Callable[[Data], Awaitable[Done]],
    page: Callable[[int], Awaitable[Response]],
    done: str | Callable[[Done], str],
) -> Response:
    """Run the service's ``act`` on valid ``data`` in a savepoint, so a refusal leaves nothing
    half-written; show the page again with the refusal by its field, or redirect to ``done``
    (a URL, or one made from what ``act`` returned, e.g. the new record's page)."""
    if data is None:
        return await page(422)
    try:
        async with session.begin_nested():
            outcome = await act(data)
    except DomainError as exc:
        form.refuse(exc)
        return await page(exc.status)
    target = done if isinstance(done, str) else done(outcome)
    return RedirectResponse(target, status_code=303)
