"""The regulator's decision forms (approve / reject a licence application or a batch request):
what was typed, kept as typed so a refused form shows it again, and what to say next to each
field, in both languages, when the form or the service refuses it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError

FORM_LEVEL = "_form"
CONFIRM = "confirm"

Message = tuple[str, str]  # (Chinese, English)
Model = TypeVar("Model", bound=BaseModel)

INVALID: dict[str, Message] = {
    "reason": ("请写明理由（2–2000 个字）。", "Give a reason (2–2000 characters)."),
    "valid_until": (
        "请填写有效期截止日，且须晚于生效日。",
        "Give the last day of validity, after the first day.",
    ),
    "valid_from": ("生效日格式有误。", "The first day of validity is not a valid date."),
    CONFIRM: (
        "请勾选确认后再提交。",
        "Tick the box to confirm before sending.",
    ),
}
STATE_CHANGED: Message = (
    "该申请已被处理（可能是其他人刚刚处理的），请刷新页面查看当前状态。",
    "This request has already been decided (perhaps by someone else just now); reload the"
    " page to see its state.",
)


@dataclass
class DecisionForm:
    """One decision form: ``kind`` (``approve`` or ``reject``) says which of the page's two
    forms the values and errors belong to."""

    kind: str = ""
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, kind: str, form: FormData, names: tuple[str, ...]) -> DecisionForm:
        values = {name: _text(form.get(name)).strip() for name in (*names, CONFIRM)}
        return cls(kind=kind, values=values)

    def validated(self, model: type[Model], *, confirm: bool = False) -> Model | None:
        """The service's input, or ``None`` with ``errors`` filled in for each field at
        fault; ``confirm``: a destructive decision needs its box ticked."""
        data: dict[str, Any] = {
            name: value for name, value in self.values.items() if value and name != CONFIRM
        }
        if confirm and not self.values.get(CONFIRM):
            self.errors[CONFIRM] = INVALID[CONFIRM]
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else "valid_until"
                self.errors.setdefault(name, INVALID.get(name, _generic()))
            return None
        return None if self.errors else parsed

    def refuse(self, exc: DomainError) -> None:
        """Say next to the right field why the service refused (409: decided meanwhile)."""
        if exc.code == "invalid_state":
            self.errors[FORM_LEVEL] = STATE_CHANGED
        elif exc.extra.get("field") in INVALID or "valid_until" in exc.detail:
            name = str(exc.extra.get("field") or "valid_until")
            self.errors[name] = INVALID[name]
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)

    def value(self, kind: str, name: str) -> str:
        """What to show in field ``name`` of form ``kind``: only the refused form's values."""
        return self.values.get(name, "") if kind == self.kind else ""

    def error(self, kind: str, name: str) -> Message | None:
        return self.errors.get(name) if kind == self.kind else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _generic() -> Message:
    return ("此项有误。", "This is not valid.")
