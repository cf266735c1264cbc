"""The "request a batch" form: what it was given, and what to say next to each field when
it is refused, in the page's language. Kept apart from the routes so the wording of every
refusal is in one place."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError
from app.label.schemas import BatchRequest

FIELDS = (
    "licence_id",
    "lot_number",
    "quantity",
    "unit",
    "production_date",
    "origin",
    "item_id",
    "sources",
)
# One source a line: H (a harvest) or P (a purchase), its number, the kg drawn: "H12 500".
SOURCE_LINE = re.compile(r"^([HhPp])\s*(\d{1,12})\s*[:：=\s]\s*(\d{1,11}(?:\.\d{1,3})?)$")
ORIGIN_CODES = frozenset(
    {
        "origin_required",
        "origin_outside_protected_area",
        "mass_balance_exceeded",
        "source_overdrawn",
        "source_not_usable",
    }
)
FORM_LEVEL = "_form"

Message = tuple[str, str]  # (Chinese, English)

INVALID: dict[str, Message] = {
    "licence_id": ("请选择一个有效的许可证。", "Choose an active licence."),
    "lot_number": (
        "批号为 1–64 位字母、数字或 . _ - /。",
        "A lot number is 1–64 letters, digits or . _ - /.",
    ),
    "quantity": ("数量须为大于 0 的整数。", "The quantity must be a whole number above 0."),
    "unit": (
        "请填写每枚标签所贴的包装，例如“袋 0.5 kg”。",
        "Say what one label goes on, e.g. “bag 0.5 kg”.",
    ),
    "production_date": (
        "请填写不晚于今天的生产日期。",
        "Give a production date no later than today.",
    ),
    "origin": (
        "请填写保护范围内的产地（至少 2 个字）。",
        "Say where in the protected area (at least 2 characters).",
    ),
    "item_id": ("请选择本企业的商品，或不选。", "Choose one of your items, or none."),
    "sources": (
        "每行一个来源：H 加采收记录编号或 P 加收购记录编号，再写所用公斤数，例如“H12 500”。",
        "One source a line: H and a harvest's number or P and a purchase's, then the kg "
        "drawn, e.g. “H12 500”.",
    ),
}


def parse_sources(text: str) -> list[dict[str, str]] | None:
    """The typed source lines as the API's ``sources``; ``None`` for none; raises
    ``ValueError`` for a line that is not one."""
    sources = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = SOURCE_LINE.match(line.strip())
        if match is None:
            raise ValueError(line)
        kind, number, kg = match.groups()
        key = "harvest_id" if kind in "Hh" else "purchase_id"
        sources.append({key: number, "quantity_kg": kg})
    return sources or None


@dataclass
class BatchForm:
    """What the user typed (kept as typed, so a refused form shows it again), the form's
    idempotency key, and the errors by field."""

    values: dict[str, str] = field(default_factory=dict)
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData) -> BatchForm:
        values = {name: _text(form.get(name)).strip() for name in FIELDS}
        key = _text(form.get("idempotency_key")).strip()[:200]
        return cls(values=values, key=key or uuid.uuid4().hex)

    def validated(self) -> BatchRequest | None:
        """The request, or ``None`` with ``errors`` filled in for each field at fault."""
        # No item chosen is an omitted item, not an item id of "".
        data: dict[str, object] = {k: v for k, v in self.values.items() if v}
        try:
            data["sources"] = parse_sources(self.values.get("sources", ""))
        except ValueError:
            self.errors["sources"] = INVALID["sources"]
            return None
        try:
            return BatchRequest.model_validate(data)
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else FORM_LEVEL
                self.errors.setdefault(name, INVALID.get(name, _generic()))
            return None

    def refuse(self, exc: DomainError) -> None:
        """Say next to the right field why the service refused; a new key when the old one
        is spent on another request (the form was changed after it went through)."""
        name, message = _refusal(exc)
        self.errors[name] = message
        if exc.code == "idempotency_key_reused":
            self.key = uuid.uuid4().hex


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _generic() -> Message:
    return ("此项有误。", "This is not valid.")


def _refusal(exc: DomainError) -> tuple[str, Message]:
    extra = exc.extra
    if exc.code == "item_not_for_this_licence":
        return "item_id", (
            "该商品不属于所选许可证的企业或其地理标志产品。",
            "This item is not one of the licence's enterprise's items of its GI product.",
        )
    if exc.code in ORIGIN_CODES:
        # The service's own words carry the arithmetic (kg claimed, supplied, remaining).
        return "sources", (f"原料来源不符：{exc.detail}", exc.detail)
    if exc.code == "quota_exceeded":
        left = extra.get("remaining", 0)
        return "quantity", (
            f"超出本季度配额：尚余 {left} 枚。",
            f"Over this season's quota: {left} labels remain.",
        )
    if exc.code == "lot_taken":
        return "lot_number", (
            "此许可证下该批号已有批次。",
            "This lot already has a batch under this licence.",
        )
    if exc.code in ("invalid_state", "not_found"):
        return "licence_id", (
            "该许可证当前无效，不能申请标签。",
            "This licence is not active; it cannot take batch requests.",
        )
    if extra.get("field") == "quantity":
        return "quantity", (
            "数量超过本服务器允许的单批上限。",
            "More labels than this server allows in one batch.",
        )
    if exc.code == "idempotency_key_reused":
        return FORM_LEVEL, (
            "此表单已提交过一次；请核对后重新提交。",
            "This form was already sent once; check it and send it again.",
        )
    if exc.code == "idempotency_in_progress":
        return FORM_LEVEL, (
            "上一次提交仍在处理中，请稍后刷新。",
            "The first submission is still being processed; reload in a moment.",
        )
    return FORM_LEVEL, (exc.detail, exc.detail)
