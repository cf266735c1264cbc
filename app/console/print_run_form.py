"""The print-run form on a batch's page (issue 13, point 4): who printed the labels, when, how
many, how many were spoiled or destroyed and why; kept as typed, each error next to its field
in the page's language. The rules are ``PrintRunIn``'s (the API's), not repeated here."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError
from app.supervision.schemas import PrintRunIn

FIELDS = (
    "printer_name",
    "printer_uscc",
    "printed_on",
    "quantity",
    "spoiled",
    "destroyed",
    "destroyed_reason",
)
FORM_LEVEL = "_form"

Message = tuple[str, str]  # (Chinese, English)

INVALID: dict[str, Message] = {
    "printer_name": ("请填写印刷单位名称。", "Name the printer."),
    "printer_uscc": (
        "统一社会信用代码应为 18 位且校验位正确。",
        "A USCC is 18 characters with a valid check character.",
    ),
    "printed_on": ("请填写印制日期（年-月-日）。", "Give the date printed (year-month-day)."),
    "quantity": ("印制数量须为大于 0 的整数。", "The quantity printed is a whole number above 0."),
    "spoiled": ("废品数须为 0 或正整数。", "Spoiled is 0 or a whole number."),
    "destroyed": ("销毁数须为 0 或正整数。", "Destroyed is 0 or a whole number."),
    "destroyed_reason": (
        "有销毁时须写明销毁原因。",
        "Say why labels were destroyed.",
    ),
    "exceeds": (
        "废品与销毁之和不能超过印制数量。",
        "Spoiled and destroyed together cannot exceed the quantity printed.",
    ),
}


@dataclass
class PrintRunForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData) -> PrintRunForm:
        values = {}
        for name in FIELDS:
            value = form.get(name)
            values[name] = value.strip() if isinstance(value, str) else ""
        return cls(values=values)

    def validated(self, batch_id: int) -> PrintRunIn | None:
        given = {name: value for name, value in self.values.items() if value}
        try:
            return PrintRunIn.model_validate(given | {"batch_id": batch_id})
        except ValidationError as exc:
            for problem in exc.errors():
                self._place(problem)
            return None

    def _place(self, problem: object) -> None:
        loc = problem["loc"]  # type: ignore[index]
        if loc:
            name = str(loc[0])
            self.errors.setdefault(name, INVALID.get(name, INVALID["quantity"]))
        elif "reason" in str(problem["msg"]):  # type: ignore[index]
            self.errors.setdefault("destroyed_reason", INVALID["destroyed_reason"])
        else:
            self.errors.setdefault("spoiled", INVALID["exceeds"])

    def refuse(self, exc: DomainError) -> None:
        if exc.code == "invalid_state":
            self.errors[FORM_LEVEL] = (
                "只有已发码的批次才能登记印制。",
                "Print runs are recorded for issued batches only.",
            )
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)
