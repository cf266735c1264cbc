"""The GI product form: the register's fields and the standard's test items as rows, kept as
typed. Rows are added and removed by the form's own buttons (no script needed); an empty row
is dropped on saving, so an added row left blank refuses nothing.

Test items already saved keep their code (it identifies the item the product's inspections
measured). A saved row can be removed: on saving, the register retires the item (the
standard is replaced as a set), so new inspections no longer measure it while past
inspections and their notices keep showing it with the limits they were judged against."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.datastructures import FormData

from app.console.register_form import RegisterForm, text_of
from app.registry.models import GIProduct, LegalRoute, QrForm, QuotaUnit
from app.registry.schemas import ProductCreate, ProductUpdate

FIELDS = (
    "name_zh",
    "name_en",
    "route",
    "standard_number",
    "announcement_number",
    "trademark",
    "trademark_reg_number",
    "programme_document",
    "holder",
    "registrant_organisation_id",
    "protected_area",
    "protected_area_codes",
    "quota_unit",
    "standard_yield_kg_per_mu",
    "default_pack_size_kg",
    "processing_factor",
    "qr_form",
    "clone_distinct_sources",
    "clone_window_hours",
    "clone_max_speed_kmh",
)
ITEM_FIELDS = ("code", "name_zh", "name_en", "unit", "min_value", "max_value", "method")
MAX_ROWS = 50  # as the service's schema allows
CHECKBOX = "auto_approve_batches"
ORIGIN_CHECKBOX = "requires_origin"
ACTIVATION = "requires_activation"
DEFAULTS = {
    "processing_factor": "1",
    "quota_unit": QuotaUnit.MU.value,
    "qr_form": QrForm.SHORT_URL.value,
    "clone_distinct_sources": "20",
    "clone_window_hours": "72",
    "clone_max_speed_kmh": "900",
}

ROUTE_NAMES: dict[str, tuple[str, str]] = {
    LegalRoute.PROTECTED_PRODUCT.value: ("地理标志保护产品", "Protected GI product"),
    LegalRoute.COLLECTIVE_MARK.value: ("集体商标", "Collective mark"),
    LegalRoute.CERTIFICATION_MARK.value: ("证明商标", "Certification mark"),
    LegalRoute.AGRI_PRODUCT_GI.value: ("农产品地理标志", "Agricultural product GI"),
}
QR_FORM_NAMES: dict[str, tuple[str, str]] = {
    QrForm.SHORT_URL.value: ("短网址（码最小）", "Short URL (smallest symbol)"),
    QrForm.DIGITAL_LINK.value: (
        "GS1 数字链接（商品有 GTIN 时）",
        "GS1 Digital Link (where the item has a GTIN)",
    ),
}
UNIT_NAMES: dict[str, tuple[str, str]] = {
    QuotaUnit.MU.value: ("亩", "mu of land"),
    QuotaUnit.HEAD.value: ("头（只）", "head of livestock"),
}


def plain(number: Decimal | int | None) -> str:
    """A stored number as a person types it: 9.0000 → "9", 2.2500 → "2.25"."""
    if number is None:
        return ""
    return format(Decimal(number).normalize(), "f")


def _blank(row: dict[str, str]) -> bool:
    return not any(row.values())


@dataclass
class ProductForm(RegisterForm):
    rows: list[dict[str, str]] = field(default_factory=list)
    saved_codes: frozenset[str] = frozenset()

    @classmethod
    def new(cls) -> ProductForm:
        return cls(values=dict(DEFAULTS), rows=[dict.fromkeys(ITEM_FIELDS, "")])

    @classmethod
    def of(cls, product: GIProduct) -> ProductForm:
        values = {name: _shown(getattr(product, name)) for name in FIELDS}
        values["code"] = product.code
        values[CHECKBOX] = "yes" if product.auto_approve_batches else ""
        values[ORIGIN_CHECKBOX] = "yes" if product.requires_origin else ""
        values[ACTIVATION] = "yes" if product.requires_activation else ""
        rows = [
            {name: _shown(getattr(item, name)) for name in ITEM_FIELDS}
            for item in product.test_items
        ]
        return cls(values=values, rows=rows, saved_codes=_codes(product))

    @classmethod
    def typed(cls, form: FormData, product: GIProduct | None = None) -> ProductForm:
        names = (*FIELDS, "code", CHECKBOX, ORIGIN_CHECKBOX, ACTIVATION)
        values = {name: text_of(form.get(name)).strip() for name in names}
        count = min(_count(text_of(form.get("rows"))), MAX_ROWS)
        rows = [
            {name: text_of(form.get(f"test_items-{i}-{name}")).strip() for name in ITEM_FIELDS}
            for i in range(count)
        ]
        saved = _codes(product) if product else frozenset()
        return cls(values=values, rows=rows, saved_codes=saved)

    def add_row(self) -> None:
        if len(self.rows) < MAX_ROWS:
            self.rows.append(dict.fromkeys(ITEM_FIELDS, ""))

    def remove_row(self, index: str) -> None:
        row = int(index) if index.isdigit() else len(self.rows)
        if row < len(self.rows):
            del self.rows[row]

    def _payload(self) -> dict[str, Any]:
        self.rows = [row for row in self.rows if not _blank(row)]
        data: dict[str, Any] = self.filled(FIELDS)
        codes = self.values.get("protected_area_codes", "").replace("，", ",").replace(",", " ")
        data["protected_area_codes"] = codes.split()
        data[CHECKBOX] = bool(self.values.get(CHECKBOX))
        data[ORIGIN_CHECKBOX] = bool(self.values.get(ORIGIN_CHECKBOX))
        data[ACTIVATION] = bool(self.values.get(ACTIVATION))
        data["test_items"] = [{k: v for k, v in row.items() if v} for row in self.rows]
        return data

    def for_create(self) -> ProductCreate | None:
        return self.validated(ProductCreate, {**self._payload(), **self.filled(("code",))})

    def for_update(self) -> ProductUpdate | None:
        return self.validated(ProductUpdate, self._payload())


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(getattr(value, "value", value))


def _codes(product: GIProduct) -> frozenset[str]:
    return frozenset(item.code for item in product.test_items)


def _count(text: str) -> int:
    return int(text) if text.isdigit() else 0
