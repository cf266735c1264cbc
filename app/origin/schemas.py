from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.core import divisions
from app.core.time import public_today
from app.origin.models import BaseKind, SellerKind


def county_code(code: str) -> str:
    """A current county-level GB/T 2260 code (the granularity origins are kept at)."""
    division = divisions.get(code)
    if division is None or division.historical:
        raise ValueError(f"{code!r} is not a current GB/T 2260 division code")
    if division.level is not divisions.Level.COUNTY:
        raise ValueError(f"{code!r} is a {division.level.value}; name the county (县级) division")
    return code


def not_in_future(value: date) -> date:
    if value > public_today():
        raise ValueError("the date is in the future")
    return value


class BaseFields(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="e.g. 隆兴昌镇永丰村葵花基地")
    kind: BaseKind = BaseKind.PLOT
    division_code: str = Field(
        pattern=r"^\d{6}$", description="the county-level GB/T 2260 division the base lies in"
    )
    township: str = Field(min_length=1, max_length=100, description="乡镇, e.g. 隆兴昌镇")
    area_mu: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    polygon: dict[str, Any] | None = Field(
        default=None,
        description="optional GeoJSON Polygon or MultiPolygon (WGS 84 lon/lat), or a Feature "
        "carrying one; checked against the protected area's polygon where there is one",
    )

    _county = field_validator("division_code")(county_code)


class BaseCreate(BaseFields):
    enterprise_id: int | None = Field(
        default=None, ge=1, description="staff name the enterprise; a licensee's own is implied"
    )
    product_id: int = Field(ge=1, description="the GI product the base grows raw material for")


class BaseUpdate(BaseFields):
    """A full replacement of the editable fields (PUT)."""


class BaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    product_id: int
    name: str
    kind: BaseKind
    division_code: str
    township: str
    area_mu: Decimal
    polygon: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class HarvestCreate(BaseModel):
    base_id: int = Field(ge=1)
    harvested_on: date
    quantity_kg: Decimal = Field(gt=0, max_digits=14, decimal_places=3)

    _past = field_validator("harvested_on")(not_in_future)


class HarvestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    base_id: int
    enterprise_id: int
    harvested_on: date
    quantity_kg: Decimal
    drawn_kg: Decimal = Field(description="what lots have drawn from it so far")
    created_at: datetime


class PurchaseCreate(BaseModel):
    enterprise_id: int | None = Field(
        default=None, ge=1, description="staff name the buying enterprise; a licensee's own"
    )
    product_id: int = Field(ge=1)
    seller_kind: SellerKind
    seller_name: str = Field(
        min_length=1,
        max_length=200,
        description="the grower, base or supplier; a grower's name is personal data and is "
        "never shown publicly",
    )
    seller_base_id: int | None = Field(default=None, ge=1)
    seller_enterprise_id: int | None = Field(default=None, ge=1)
    division_code: str = Field(
        pattern=r"^\d{6}$", description="the county-level division the material grew in"
    )
    township: str = Field(min_length=1, max_length=100)
    purchased_on: date
    harvest_year: int | None = Field(
        default=None, ge=2000, le=2100, description="defaults to the year of purchase"
    )
    quantity_kg: Decimal = Field(gt=0, max_digits=14, decimal_places=3)

    _county = field_validator("division_code")(county_code)
    _past = field_validator("purchased_on")(not_in_future)

    @model_validator(mode="after")
    def _seller_named_once(self) -> PurchaseCreate:
        if self.seller_kind is SellerKind.BASE and self.seller_base_id is None:
            raise ValueError("a purchase from a base names seller_base_id")
        if self.seller_kind is SellerKind.ENTERPRISE and self.seller_enterprise_id is None:
            raise ValueError("a purchase from an enterprise names seller_enterprise_id")
        if self.harvest_year is None:
            self.harvest_year = self.purchased_on.year
        if self.harvest_year > self.purchased_on.year:
            raise ValueError("the harvest year is after the purchase")
        return self


class PurchaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    product_id: int
    seller_kind: SellerKind
    seller_name: str
    seller_base_id: int | None
    seller_enterprise_id: int | None
    division_code: str
    township: str
    purchased_on: date
    harvest_year: int
    quantity_kg: Decimal
    drawn_kg: Decimal = Field(description="what lots have drawn from it so far")
    created_at: datetime


class SourceDraw(BaseModel):
    """One source of a lot: a harvest or a purchase, and the kg of raw material drawn."""

    harvest_id: int | None = Field(default=None, ge=1)
    purchase_id: int | None = Field(default=None, ge=1)
    quantity_kg: Decimal = Field(gt=0, max_digits=14, decimal_places=3)

    @model_validator(mode="after")
    def _one_source(self) -> SourceDraw:
        if (self.harvest_id is None) == (self.purchase_id is None):
            raise ValueError("name either harvest_id or purchase_id")
        return self


class AreaShape(BaseModel):
    geometry: dict[str, Any] = Field(
        description="the protected area as a GeoJSON Polygon or MultiPolygon (WGS 84), or a "
        "Feature carrying one"
    )


class AreaShapeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: int
    geometry: dict[str, Any]
    updated_at: datetime


class PublicOrigin(BaseModel):
    """What the public sees of one source: place and year, never a grower."""

    county: str
    township: str
    harvest_year: int
