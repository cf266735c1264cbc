"""The annual use-report form: what the licensee typed (kept when refused) and the note by each
field at fault, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError
from app.supervision.schemas import UseReportIn

FORM_LEVEL = "_form"
Message = tuple[str, str]
NUMBER: Message = ("请填写不小于 0 的数字。", "Give a number of 0 or more.")
WHOLE: Message = ("请填写不小于 0 的整数。", "Give a whole number of 0 or more.")

# field → (Chinese label, English label, the note when it is not valid)
FIELDS: dict[str, tuple[str, str, Message]] = {
    "product_id": ("地理标志产品", "GI product", ("请选择产品。", "Choose a product.")),
    "year": (
        "报告年度",
        "Year reported on",
        ("请填写 2000–2100 之间的年份。", "A year 2000–2100."),
    ),
    "produced_kg": ("产量（千克）", "Produced (kg)", NUMBER),
    "sold_domestic_kg": ("国内销量（千克）", "Sold at home (kg)", NUMBER),
    "sold_export_kg": ("出口量（千克）", "Exported (kg)", NUMBER),
    "output_value_yuan": ("产值（元）", "Output value (yuan)", NUMBER),
    "labels_applied": ("使用专用标志枚数", "Labels applied", WHOLE),
    "packaging_printed": (
        "自行印制带专用标志的包装数量",
        "Packaging printed with the mark outside gimark",
        WHOLE,
    ),
    "sales_channels": ("销售渠道", "Sales channels", ("请填写销售渠道。", "Name the channels.")),
    "authorised_shops": (
        "授权专卖店、专柜",
        "Authorised shops and counters",
        ("最多 4000 字。", "At most 4,000 characters."),
    ),
}


@dataclass
class UseReportForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData) -> UseReportForm:
        return cls({name: _text(form.get(name)).strip() for name in FIELDS})

    def validated(self) -> UseReportIn | None:
        try:
            return UseReportIn.model_validate(self.values)
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else FORM_LEVEL
                note = FIELDS[name][2] if name in FIELDS else ("此项有误。", "Not valid.")
                self.errors.setdefault(name, note)
            return None

    def refuse(self, exc: DomainError) -> None:
        if exc.code == "not_found":
            self.errors["product_id"] = (
                "贵企业没有该产品的许可证。",
                "Your enterprise holds no licence for this product.",
            )
        elif exc.code == "use_report_exists":
            self.errors["year"] = (
                "该年度的报告已提交，待审核或已通过。",
                "This year's report is in already (awaiting review or accepted).",
            )
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
