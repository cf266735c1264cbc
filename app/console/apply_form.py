"""The "apply for a licence" form: what was typed (kept, so a refused form shows it again) and
what to say next to each field when the form or the licence service refuses it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError
from app.licence.schemas import LicenceApply

FIELDS = ("product_id", "enterprise_id", "production_area_mu", "production_location")
FORM_LEVEL = "_form"

Message = tuple[str, str]  # (Chinese, English)

INVALID: dict[str, Message] = {
    "product_id": ("请选择一个地理标志产品。", "Choose a GI product."),
    "enterprise_id": ("请选择申请的企业。", "Choose the enterprise that applies."),
    "production_area_mu": (
        "请填写大于 0 的数字，最多两位小数。",
        "Give a number above 0, with at most two decimals.",
    ),
    "production_location": (
        "请填写生产地点（至少 2 个字）。",
        "Say where the production is (at least 2 characters).",
    ),
}
DUPLICATE: Message = (
    "贵企业已有该产品的许可证或待审核的申请，不能重复申请。",
    "Your enterprise already holds, or has applied for, a licence for this product.",
)


@dataclass
class ApplyForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData) -> ApplyForm:
        values = {name: _text(form.get(name)).strip() for name in FIELDS}
        return cls(values=values)

    def validated(self, *, for_staff: bool) -> LicenceApply | None:
        """The service's input, or ``None`` with ``errors`` by field. A licensee applies for
        itself (the service ignores any enterprise it names); staff must name one."""
        data = {name: value for name, value in self.values.items() if value}
        if not for_staff:
            data.pop("enterprise_id", None)
        elif not data.get("enterprise_id"):
            self.errors["enterprise_id"] = INVALID["enterprise_id"]
        try:
            parsed = LicenceApply.model_validate(data)
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else FORM_LEVEL
                self.errors.setdefault(name, INVALID.get(name, _generic()))
            return None
        return None if self.errors else parsed

    def refuse(self, exc: DomainError) -> None:
        if exc.code == "duplicate_application":
            self.errors["product_id"] = DUPLICATE
        elif exc.code == "not_found" and "product" in exc.detail:
            self.errors["product_id"] = INVALID["product_id"]
        elif exc.code == "not_found" or "enterprise" in exc.detail:
            self.errors["enterprise_id"] = INVALID["enterprise_id"]
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _generic() -> Message:
    return ("此项有误。", "This is not valid.")
