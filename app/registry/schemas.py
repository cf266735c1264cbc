from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.core import divisions
from app.registry.models import LegalRoute, QrForm, QuotaUnit


class TestItemIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=20)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    method: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _limits(self) -> TestItemIn:
        if self.min_value is None and self.max_value is None:
            raise ValueError("a test item needs a lower limit, an upper limit or both")
        both = self.min_value is not None and self.max_value is not None
        if both and self.min_value > self.max_value:  # type: ignore[operator]
            raise ValueError("min_value is above max_value")
        return self


class TestItemRead(TestItemIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str


class ProductFields(BaseModel):
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=200)
    route: LegalRoute
    standard_number: str | None = Field(default=None, max_length=100)
    announcement_number: str | None = Field(default=None, max_length=100)
    trademark: str | None = Field(default=None, max_length=100)
    trademark_reg_number: str | None = Field(default=None, max_length=50)
    programme_document: str | None = Field(
        default=None,
        max_length=300,
        description="title of the public document the GI comes from, cited on labels where "
        "the standard or registration number is not known",
    )
    holder: str | None = Field(default=None, max_length=200)
    registrant_organisation_id: int | None = Field(
        default=None,
        description="a collective or certification mark's registrant association: it endorses "
        "each licence application before the bureau approves it (none: the bureau alone)",
    )
    protected_area: str = Field(min_length=1, max_length=2000)
    protected_area_codes: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="GB/T 2260 codes of the current divisions making up the protected area",
    )
    quota_unit: QuotaUnit = Field(
        default=QuotaUnit.MU, description="what a licence's registered production counts"
    )
    standard_yield_kg_per_mu: Decimal = Field(
        gt=0, max_digits=12, decimal_places=3, description="kg per quota unit (mu, head, …)"
    )
    default_pack_size_kg: Decimal = Field(gt=0, max_digits=12, decimal_places=3)
    processing_factor: Decimal = Field(
        default=Decimal(1),
        gt=0,
        le=1,
        max_digits=6,
        decimal_places=4,
        description="kg of finished product one kg of raw material yields (mass balance): "
        "wheat → flour 0.75, roasted sunflower seeds 0.9; 1 for produce sold as harvested",
    )
    requires_origin: bool = Field(
        default=False,
        description="every batch must name the harvests and purchases its lot drew on",
    )
    qr_form: QrForm = Field(
        default=QrForm.SHORT_URL,
        description="what labels' QR codes carry: the short URL, or a GS1 Digital Link URI "
        "where the batch's trade item has a GTIN",
    )
    auto_approve_batches: bool = False
    requires_activation: bool = Field(
        default=False,
        description="labels are issued inactive (verdict not_active) until the licensee's "
        "packing line activates them",
    )
    clone_distinct_sources: int = Field(default=20, ge=2, le=100_000)
    clone_window_hours: int = Field(default=72, ge=1, le=24 * 365)
    clone_max_speed_kmh: int = Field(default=900, ge=10, le=5000)


class ProductInput(ProductFields):
    """What a regulator submits: checked here, never on read (a division may be abolished
    after the product was registered; its stored record must stay readable)."""

    @field_validator("protected_area_codes")
    @classmethod
    def _current_divisions(cls, codes: list[str]) -> list[str]:
        for code in codes:
            division = divisions.get(code)
            if division is None or division.historical:
                raise ValueError(f"{code!r} is not a current GB/T 2260 division code")
        return list(dict.fromkeys(codes))


class ProductCreate(ProductInput):
    code: str = Field(min_length=2, max_length=16, pattern=r"^[A-Z0-9]+$")
    test_items: list[TestItemIn] = Field(default_factory=list, max_length=50)


class ProductUpdate(ProductInput):
    """A full replacement of the editable fields (PUT); test items are replaced as a set."""

    test_items: list[TestItemIn] = Field(default_factory=list, max_length=50)


class ProductRead(ProductFields):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    test_items: list[TestItemRead]
    has_artwork: bool
    gtin: str | None = Field(
        default=None,
        description="read-only, superseded: GTINs are kept per licensee trade item "
        "(/api/v1/items); this is the value the product had before (migration 0021)",
    )
    is_demo: bool
    created_at: datetime
    updated_at: datetime
