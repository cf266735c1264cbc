"""The inspector's recording form: the sample's facts and one measured value per test item
of the product's standard, in the standard's order (``items-0-value`` is its first item),
kept as typed; what to say by each field when the form or the service refuses it.

The pass/fail shown next to a value while it is typed is a preview made by the page's
script from the limits printed beside it; the result stored is the one the service computes
(``app.inspection.limits``) whatever the browser showed or sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from app.console.register_form import RegisterForm, text_of
from app.core.errors import DomainError
from app.inspection.schemas import InspectionCreate
from app.registry.models import TestItem

FIELDS = ("sample_id", "sampled_on", "sampling_place", "lab", "report_number")
ALREADY_RECORDED = (
    "该检验报告编号已录入过。",
    "A result with this report number is recorded already.",
)
BEFORE_PRODUCTION = (
    "抽样日期早于该批次的生产日期。",
    "The sampling date is before the lot was produced.",
)


def value_name(index: int) -> str:
    return f"items-{index}-value"


@dataclass
class InspectionForm(RegisterForm):
    @classmethod
    def typed(cls, form: FormData, items: list[TestItem]) -> InspectionForm:
        names = (*FIELDS, *(value_name(i) for i in range(len(items))))
        return cls(values={name: text_of(form.get(name)).strip() for name in names})

    def validated_for(self, batch_id: int, items: list[TestItem]) -> InspectionCreate | None:
        measured: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            value = self.values.get(value_name(index), "")
            measured.append({"item": item.code, **({"value": value} if value else {})})
        data = {"batch_id": batch_id, **self.filled(FIELDS), "items": measured}
        return self.validated(InspectionCreate, data)

    def refuse(self, exc: DomainError) -> None:
        """The service names the field; its message here says what was wrong with it."""
        field_at_fault = exc.extra.get("field")
        if field_at_fault == "report_number" and exc.status == 409:
            self.errors["report_number"] = ALREADY_RECORDED
        elif field_at_fault == "sampled_on":
            self.errors["sampled_on"] = BEFORE_PRODUCTION
        else:
            super().refuse(exc)
