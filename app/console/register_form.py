"""The register forms (a GI product with its test items, an enterprise, a consumer report's
next step, an inspection's results): what was typed, kept as typed so a refused form shows it
again, and what to say next to each field, in both languages.

A field's name in the page is its place in the service's input: ``name_zh``, or
``test_items-2-max_value`` for the third row of a product's test items. A pydantic error's
``loc`` is turned into that same name, so the refusal lands by the field (or the row) that
caused it, whichever of the two (the form's model or the service) refused."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError

FORM_LEVEL = "_form"
Message = tuple[str, str]  # (Chinese, English)
Model = TypeVar("Model", bound=BaseModel)

# By the last part of a field's name: the same wording for ``name_zh`` of a product and of
# its third test item.
INVALID: dict[str, Message] = {
    "code": ("代码格式有误（见提示）。", "The code is not in the form the hint gives."),
    "name_zh": ("请填写中文名称。", "Give the Chinese name."),
    "name_en": ("请填写英文名称。", "Give the English name."),
    "name": ("请填写名称（2–200 字）。", "Give the name (2–200 characters)."),
    "route": ("请选择保护途径。", "Choose the legal route."),
    "protected_area": ("请填写保护范围。", "Describe the protected area."),
    "protected_area_codes": (
        "须为现行的 GB/T 2260 行政区划代码，用逗号或空格分隔。",
        "Current GB/T 2260 division codes, separated by commas or spaces.",
    ),
    "standard_yield_kg_per_mu": (
        "请填写大于 0 的数字（最多 3 位小数）。",
        "A number above 0 (at most 3 decimals).",
    ),
    "default_pack_size_kg": (
        "请填写大于 0 的数字（最多 3 位小数）。",
        "A number above 0 (at most 3 decimals).",
    ),
    "processing_factor": (
        "请填写 0 到 1 之间的数字（最多 4 位小数）。",
        "A number above 0, at most 1 (at most 4 decimals).",
    ),
    "qr_form": ("请选择二维码内容。", "Choose what the QR carries."),
    "clone_distinct_sources": ("请填写 2–100000 之间的整数。", "A whole number, 2–100000."),
    "clone_window_hours": ("请填写 1–8760 之间的整数。", "A whole number, 1–8760."),
    "clone_max_speed_kmh": ("请填写 10–5000 之间的整数。", "A whole number, 10–5000."),
    **dict.fromkeys(
        (
            "trademark",
            "trademark_reg_number",
            "standard_number",
            "announcement_number",
            "programme_document",
        ),
        (
            "所选保护途径要求填写此项（或标出的另一项）。",
            "The legal route chosen needs this (or another field marked).",
        ),
    ),
    "unit": ("请填写单位。", "Give the unit."),
    "gtin": (
        "GTIN 有误：须为 8、12、13 或 14 位数字，末位为 GS1 校验位。",
        "Not a GTIN: 8, 12, 13 or 14 digits ending in the GS1 check digit.",
    ),
    "product_id": ("请选择地理标志产品。", "Choose the GI product."),
    "enterprise_id": ("请选择企业。", "Choose the enterprise."),
    "min_value": ("下限须为数字。", "The lower limit must be a number."),
    "max_value": ("上限须为数字。", "The upper limit must be a number."),
    "uscc": (
        "统一社会信用代码有误（18 位，含校验位）。",
        "The unified social credit code is not valid (18 characters with its check digit).",
    ),
    "address": ("请填写地址（2–500 字）。", "Give the address (2–500 characters)."),
    "region": ("请填写所在地区（2–100 字）。", "Give the region (2–100 characters)."),
    "contact_phone": (
        "电话号码只能含数字、空格和 + - ( )。",
        "A phone number: digits, spaces, + - ( ).",
    ),
    "contact_email": ("电子邮箱格式有误。", "This is not an e-mail address."),
    "reason": ("请写明理由（最多 2000 字）。", "Give a reason (at most 2000 characters)."),
    "status": ("请选择下一步状态。", "Choose the next state."),
    "sample_id": ("请填写样品编号。", "Give the sample's id."),
    "sampled_on": ("抽样日期有误，且不能晚于今天。", "A valid sampling date, not after today."),
    "sampling_place": ("请填写抽样地点（至少 2 字）。", "Give the sampling place (2+ characters)."),
    "lab": ("请填写检验机构（至少 2 字）。", "Give the laboratory (2+ characters)."),
    "report_number": ("请填写检验报告编号。", "Give the test report's number."),
    "value": (
        "请填写实测值（数字，最多 4 位小数）。",
        "Give the measured value (a number, 4 decimals at most).",
    ),
}
ROW_INVALID: Message = (
    "该行须有下限或上限（或两者），且下限不大于上限。",
    "This row needs a lower limit, an upper limit or both, the lower not above the upper.",
)
GENERIC: Message = ("此项有误。", "This is not valid.")
STATE_CHANGED: Message = (
    "该记录已被更改（可能是其他人刚刚处理的），请刷新页面查看当前状态。",
    "This record has changed (perhaps someone else acted on it just now); reload the page.",
)

# Refusals the service makes by code, with the field they concern.
KNOWN: dict[str, tuple[str, Message]] = {
    "product_code_taken": ("code", ("该产品代码已被使用。", "This product code is taken.")),
    "uscc_taken": (
        "uscc",
        ("已有企业使用该统一社会信用代码。", "An enterprise with this code is registered."),
    ),
    "gtin_taken": (
        "gtin",
        ("本企业已有商品使用该 GTIN。", "Another of this enterprise's items has this GTIN."),
    ),
    "duplicate_test_item": (
        "test_items",
        ("检测项目代码不能重复。", "Each test item needs a code of its own."),
    ),
}


def name_of(loc: Iterable[int | str]) -> str:
    """``("test_items", 2, "max_value")`` → ``test_items-2-max_value``."""
    return "-".join(str(part) for part in loc) or FORM_LEVEL


def message_for(name: str) -> Message:
    last = name.rsplit("-", 1)[-1]
    if last.isdigit():  # a whole row refused (its limits), not one of its fields
        return ROW_INVALID
    return INVALID.get(last, GENERIC)


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class RegisterForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData, names: Iterable[str]) -> RegisterForm:
        return cls(values={name: text_of(form.get(name)).strip() for name in names})

    def filled(self, names: Iterable[str]) -> dict[str, str]:
        """The named values that are not empty (an empty field is an omitted one)."""
        return {name: self.values[name] for name in names if self.values.get(name)}

    def validated(self, model: type[Model], data: Mapping[str, Any]) -> Model | None:
        """``model`` from ``data``, or ``None`` with each refused field's message noted."""
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            for problem in exc.errors():
                name = name_of(problem["loc"])
                self.errors.setdefault(name, message_for(name))
            return None
        return None if self.errors else parsed

    def refuse(self, exc: DomainError) -> None:
        """Say by the right field why the service refused: the field it names, every field
        it says is missing, or else above the form."""
        if exc.code == "invalid_state":
            self.errors[FORM_LEVEL] = STATE_CHANGED
            return
        if exc.code in KNOWN:
            name, message = KNOWN[exc.code]
            self.errors[name] = message
            return
        named = [str(exc.extra["field"])] if exc.extra.get("field") else []
        names = named or [str(name) for name in exc.extra.get("missing", ())]
        for name in names:
            self.errors[name] = message_for(name)
        if not names:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def error(self, name: str) -> Message | None:
        return self.errors.get(name)
