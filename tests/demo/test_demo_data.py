"""The demo register is one a local would recognise: real places and codes, no invented
numbers, fictitious firms whose USCCs, places and telephone numbers all agree."""

import re

import pytest

from app.core import divisions, telephone
from app.demo.data import ENTERPRISES, PRODUCTS
from app.demo.loader import demo_uscc
from app.enterprise.uscc import parse_uscc
from app.registry.schemas import ProductCreate
from app.registry.service import check_route_fields

pytestmark = pytest.mark.dbless

PRODUCTS_BY_CODE = {spec["code"]: spec for spec in PRODUCTS}


@pytest.mark.parametrize("row", ENTERPRISES, ids=lambda row: row.name)
def test_demo_enterprise_uscc_passes_the_full_check(row) -> None:
    parsed = parse_uscc(demo_uscc(row))
    assert parsed.authority == "工商"
    # farmers' co-operatives are registration authority 9, type 3; companies type 1
    expected = "农民专业合作社" if row.name.endswith("专业合作社") else "企业"
    assert parsed.organisation_type == expected
    assert parsed.division is not None and parsed.division.current
    assert "演示" in row.name  # fictitious, and says so


@pytest.mark.parametrize("row", ENTERPRISES, ids=lambda row: row.name)
def test_demo_enterprise_produces_inside_the_protected_area(row) -> None:
    areas = PRODUCTS_BY_CODE[row.product]["protected_area_codes"]
    assert any(divisions.is_within(row.produces_in, area) for area in areas)
    # registered by the office of the county it produces in, or of that county's city
    assert divisions.is_within(row.produces_in, row.registered_in)


@pytest.mark.parametrize("row", ENTERPRISES, ids=lambda row: row.name)
def test_demo_enterprise_phone_has_the_area_code_of_its_place(row) -> None:
    assert telephone.dials_from(row.phone, row.produces_in), (row.phone, row.produces_in)


def test_wuyuan_sunflower_is_wuyuan_county_and_wuhai_grape_wuhai_city() -> None:
    assert PRODUCTS_BY_CODE["WYXRK"]["protected_area_codes"] == ["150821"]
    wuhai = PRODUCTS_BY_CODE["WHPT"]["protected_area_codes"]
    assert {d.code for d in divisions.children("150300")} == set(wuhai)
    assert PRODUCTS_BY_CODE["WLTYR"]["quota_unit"] == "head"


@pytest.mark.parametrize("spec", PRODUCTS, ids=lambda spec: spec["code"])
def test_demo_product_passes_the_registry_checks_and_invents_no_number(spec) -> None:
    fields = {k: v for k, v in spec.items() if k != "test_items"}
    product = ProductCreate.model_validate(fields)  # current division codes
    check_route_fields(product)  # a number, or the programme document cited in its place
    for name in ("standard_number", "announcement_number", "trademark_reg_number"):
        value = fields.get(name)
        assert value is None or not re.search(r"x{2,}|demo", value, re.IGNORECASE), value
    has_number = any(fields.get(n) for n in ("standard_number", "trademark_reg_number"))
    assert has_number or product.programme_document
    for area in product.protected_area_codes:
        assert divisions.require(area).name in product.protected_area
