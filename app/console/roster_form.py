"""The single-entry roster form (new entry or edit): what the regulator typed, kept when the
form is refused, and the note by each field at fault, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError
from app.supervision.schemas import RosterFields

FORM_LEVEL = "_form"
Message = tuple[str, str]

# field → (Chinese label, English label, the note when it is not valid)
FIELDS: dict[str, tuple[str, str, Message]] = {
    "uscc": (
        "统一社会信用代码",
        "USCC",
        ("代码有误：请核对 18 位统一社会信用代码。", "Not a valid 18-character USCC."),
    ),
    "name": ("名称", "Name", ("请填写名称。", "Give the name.")),
    "division_code": (
        "行政区划代码",
        "Division code",
        ("请填写现行的 6 位行政区划代码。", "Give a current six-digit division code."),
    ),
    "kind": ("类型", "Kind", ("请选择类型。", "Choose a kind.")),
    "exporter": ("出口企业", "Exporter", ("此项有误。", "Not valid.")),
    "source": ("来源", "Source", ("请填写信息来源，例如“乡镇摸底”。", "Say where this came from.")),
    "on_roster": ("列入名录日期", "On the roster since", ("请填写日期。", "Give a date.")),
    "closed_on": (
        "退出日期（可选）",
        "Closed on (optional)",
        ("退出日期不能早于列入日期。", "Not before the day it came on the roster."),
    ),
}


@dataclass
class RosterForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData) -> RosterForm:
        values = {name: _text(form.get(name)).strip() for name in FIELDS}
        values["exporter"] = "true" if form.get("exporter") == "on" else "false"
        return cls(values)

    @classmethod
    def of(cls, entry: Any) -> RosterForm:
        values = {
            name: "" if getattr(entry, name) is None else str(getattr(entry, name))
            for name in FIELDS
        }
        values["exporter"] = "true" if entry.exporter else "false"
        return cls(values)

    def validated(self) -> RosterFields | None:
        try:
            return RosterFields.model_validate(
                self.values | {"closed_on": self.values.get("closed_on") or None}
            )
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else "closed_on"
                note = FIELDS[name][2] if name in FIELDS else ("此项有误。", "Not valid.")
                self.errors.setdefault(name, note)
            return None

    def refuse(self, exc: DomainError) -> None:
        if exc.code == "outside_protected_area":
            self.errors["division_code"] = (
                "该行政区划不在本产品的地理标志保护范围内。",
                "This division is outside the product's protected area.",
            )
        elif exc.code == "already_on_roster":
            self.errors["uscc"] = (
                "该企业已在本产品的名录中，请编辑原条目。",
                "This enterprise is on the product's roster already; edit that entry.",
            )
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
