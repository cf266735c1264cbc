from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.tradeitem.gtin import as_gtin14, is_valid


class TradeItemFields(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="the item as sold, e.g. 500 g 袋装")
    gtin: str | None = Field(
        default=None,
        description="GTIN-8, -12, -13 or -14 with its check digit (stored as GTIN-14); without "
        "one the item's labels carry the short URL",
    )

    @field_validator("gtin")
    @classmethod
    def _check_digit(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not is_valid(value):
            raise ValueError("not a GTIN: 8, 12, 13 or 14 digits ending in the GS1 check digit")
        # Kept as GTIN-14, the form a Digital Link carries: one GTIN, one spelling.
        return as_gtin14(value)


class TradeItemCreate(TradeItemFields):
    enterprise_id: int | None = Field(
        default=None, description="staff name the enterprise; a licensee's own is implied"
    )
    product_id: int


class TradeItemUpdate(TradeItemFields):
    """A full replacement of the editable fields (PUT)."""


class TradeItemRead(TradeItemFields):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    product_id: int
    created_at: datetime
    updated_at: datetime
