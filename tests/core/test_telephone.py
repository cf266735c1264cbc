"""Area codes follow the place: Wuhai dials 0473, Bayannur 0478, whatever the county."""

import pytest

from app.core import telephone

pytestmark = pytest.mark.dbless


@pytest.mark.parametrize(
    ("division", "area"),
    [
        ("150821", "0478"),  # 五原县, 巴彦淖尔市
        ("150800", "0478"),
        ("152822", "0478"),  # 巴彦淖尔盟五原县 (abolished 2003), today's 五原县
        ("150302", "0473"),  # 海勃湾区, 乌海市
        ("150304", "0473"),
        ("150102", "0471"),  # 呼和浩特市新城区
        ("110101", None),  # outside Inner Mongolia: not listed, not guessed
    ],
)
def test_area_code(division: str, area: str | None) -> None:
    assert telephone.area_code(division) == area


def test_a_wuhai_firm_with_a_bayannur_number_does_not_match() -> None:
    assert telephone.dials_from("0473-1234567", "150302")
    assert not telephone.dials_from("0478-1234567", "150302")
    assert not telephone.dials_from("0473-1234567", "110101")
