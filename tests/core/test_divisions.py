"""The GB/T 2260 table: names, levels, nesting, and codes abolished since they were issued."""

import pytest

from app.core import divisions
from app.core.divisions import Level, UnknownDivision

pytestmark = pytest.mark.dbless


def test_wuyuan_county_in_bayannur_in_inner_mongolia() -> None:
    county = divisions.require("150821")
    assert (county.name, county.level, county.current) == ("五原县", Level.COUNTY, True)
    assert [d.code for d in divisions.lineage("150821")] == ["150821", "150800", "150000"]
    assert [d.level for d in divisions.lineage("150821")] == [
        Level.COUNTY,
        Level.PREFECTURE,
        Level.PROVINCE,
    ]
    assert divisions.parent("150800").name == "内蒙古自治区"
    assert divisions.full_name("150821") == "内蒙古自治区巴彦淖尔市五原县"
    assert divisions.parent("150000") is None


@pytest.mark.parametrize(
    ("inner", "outer", "inside"),
    [
        ("150821", "150821", True),
        ("150821", "150800", True),
        ("150821", "150000", True),
        ("150800", "150000", True),
        ("150802", "150821", False),  # 临河区 is beside 五原县, not in it
        ("150302", "150800", False),  # 海勃湾区 is in 乌海市, not 巴彦淖尔市
        ("150000", "150800", False),
        ("999999", "150000", False),
    ],
)
def test_is_within(inner: str, outer: str, inside: bool) -> None:
    assert divisions.is_within(inner, outer) is inside


def test_abolished_code_is_known_and_flagged_historical() -> None:
    old = divisions.require("152822")  # 巴彦淖尔盟五原县 until the league became a city (2003)
    assert (old.name, old.historical, old.until) == ("五原县", True, 2003)
    assert divisions.is_within("152822", "152800") and divisions.is_within("152822", "150000")
    assert not divisions.is_within("152822", "150800")  # as issued, under the old league
    assert divisions.current_equivalents("152822") == ("150821",)
    assert divisions.require("152800").name == "巴彦淖尔盟"


def test_a_renamed_code_answers_with_its_current_name_and_keeps_its_past() -> None:
    assert divisions.require("150205").name == "石拐区"
    assert [(d.name, d.current) for d in divisions.records("150205")] == [
        ("石拐区", True),
        ("石拐矿区", False),
    ]


def test_municipality_districts_and_province_administered_counties_hang_off_the_province() -> None:
    assert divisions.require("110101").parent_code == "110000"  # 北京市东城区
    assert divisions.require("429004").parent_code == "420000"  # 湖北省仙桃市


def test_children_of_wuhai_are_its_three_districts() -> None:
    names = {d.name for d in divisions.children("150300")}
    assert names == {"海勃湾区", "海南区", "乌达区"}


def test_unknown_code() -> None:
    assert divisions.get("150899") is None and not divisions.is_known("150899")
    with pytest.raises(UnknownDivision, match="150899"):
        divisions.require("150899")


def test_every_parent_in_the_table_resolves() -> None:
    records = list(divisions.all_records())
    assert len(records) > 6000 and sum(d.current for d in records) > 3000
    for division in records:
        if division.parent_code is not None:
            assert divisions.is_known(division.parent_code), division
        assert division.level is not Level.PROVINCE or division.parent_code is None
