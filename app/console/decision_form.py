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
    "legal_basis": ("请写明法律依据（2–2000 个字）。", "Give the legal basis (2–2000 characters)."),
    "case_number": (
        "请填写案件编号（最多 64 个字）。",
        "Give the case number (up to 64 characters).",
    ),
    "batch_id": ("请先查找并选定一个批次。", "Search for a batch and choose one."),
    "codes": ("请粘贴或上传标签码。", "Paste or upload the label codes."),
    "title": ("请填写计划名称（2–200 个字）。", "Give the plan a title (2–200 characters)."),
    "product_id": ("请选择产品。", "Choose the product."),
    "population": ("请选择抽查对象。", "Choose what is drawn."),
    "period_start": ("请填写期间起始日。", "Give the first day of the period."),
    "period_end": (
        "请填写期间截止日，且不得早于起始日。",
        "Give the last day of the period, not before the first.",
    ),
    "sample_size": (
        "请填写抽取数量或抽取比例（只填一项）。",
        "Give either the number to draw or the fraction (one of them).",
    ),
    "sample_fraction": (
        "抽取比例须大于 0、不超过 1，最多 4 位小数。",
        "The fraction is above 0, at most 1, with up to 4 decimals.",
    ),
    "inspector_ids": ("请至少选择一名检查员。", "Choose at least one inspector."),
    "inspectors_per_target": (
        "每个对象 1–10 名检查员。",
        "1–10 inspectors per target.",
    ),
    "seed": (
        "随机种子为 1–64 个可见 ASCII 字符（不含空格），或留空。",
        "The seed is 1–64 printable ASCII characters without spaces, or empty.",
    ),
}
STATE_CHANGED: Message = (
    "该事项已被处理或状态已改变（可能是其他人刚刚处理的），请刷新页面查看当前状态。",
    "This has already been decided or its state has changed (perhaps by someone else just"
    " now); reload the"
    " page to see its state.",
)


@dataclass
class DecisionForm:
    """One decision form: ``kind`` (``approve`` or ``reject``) says which of the page's two
    forms the values and errors belong to."""

    kind: str = ""
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)
    # A destructive act's confirmation step (``app.console.deciding``): "" on the form's
    # first send, "confirmed" from the confirmation's button, "edit" from its way back.
    step: str = ""

    @classmethod
    def from_form(cls, kind: str, form: FormData, names: tuple[str, ...]) -> DecisionForm:
        values = {name: _text(form.get(name)).strip() for name in (*names, CONFIRM)}
        return cls(kind=kind, values=values, step=_text(form.get("step")))

    def validated(
        self,
        model: type[Model],
        *,
        confirm: bool = False,
        extra: dict[str, Any] | None = None,
        whole: str = "valid_until",
    ) -> Model | None:
        """The service's input, or ``None`` with ``errors`` filled in for each field at
        fault; ``confirm``: a destructive decision needs its box ticked; ``extra``: values
        not typed as one text (a list of ticked boxes); ``whole``: the field that shows an
        objection to the form as a whole (two fields that do not fit together)."""
        data: dict[str, Any] = {
            name: value for name, value in self.values.items() if value and name != CONFIRM
        }
        data |= extra or {}
        if confirm and not self.values.get(CONFIRM):
            self.errors[CONFIRM] = INVALID[CONFIRM]
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else whole
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
