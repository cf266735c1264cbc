"""The one way a console form that changes something is carried out, and, for a destructive
act, the confirmation step before it.

``decide`` (``form_flow``) runs the service's act in a savepoint (a refusal leaves nothing
half-written), shows the form again with the refusal by its field, or redirects (Post/Redirect/Get).
``confirm_then_decide`` first answers a valid form with a page saying what the act will change
("withdraws licence GI-… of …; revokes 2,400 live labels, 312 of them already scanned"),
carrying what was typed in hidden fields; only that page's button (``step=confirmed``) acts,
and its "change" button (``step=edit``) returns to the form with everything kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.decision_form import CONFIRM, DecisionForm, Message
from app.console.form_flow import decide
from app.console.templates import render
from app.core.errors import DomainError

Decided = TypeVar("Decided")

CONFIRMED, EDIT = "confirmed", "edit"


@dataclass
class Confirmation:
    """What the confirmation page says: the act, what it will change, and what was typed."""

    title: Message
    changes: Message
    button: Message
    action: str  # the form's URL: the confirmation posts there again
    back: str  # the page the act starts from
    facts: list[tuple[Message, str]] = field(default_factory=list)
    hidden: dict[str, str] = field(default_factory=dict)  # extra values to carry


async def confirm_then_decide(
    request: Request,
    session: AsyncSession,
    form: DecisionForm,
    data: Decided | None,
    describe: Callable[[Decided], Awaitable[Confirmation]],
    act: Callable[[Decided], Awaitable[object]],
    page: Callable[[int], Awaitable[Response]],
    done: str | Callable[[object], str],
) -> Response:
    """The form's first send shows the confirmation (or the refusal the act would meet);
    the confirmation's button carries the act out through :func:`decide`."""
    if data is None:
        return await page(422)
    if form.step == EDIT:
        return await page(200)
    if form.step != CONFIRMED:
        try:
            confirmation = await describe(data)
        except DomainError as exc:
            form.refuse(exc)
            return await page(exc.status)
        carried = {k: v for k, v in form.values.items() if k != CONFIRM and v}
        context = {"confirmation": confirmation, "carried": carried | confirmation.hidden}
        return render(request, "confirm_act.html", context)
    return await decide(session, form, data, act, page, done)
