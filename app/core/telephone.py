"""Long-distance telephone area codes (长途区号) of Inner Mongolia's prefecture-level divisions.

A contact number's area code should be the one of the place: a firm in Wuhai answers on 0473,
one in Bayannur on 0478. Only Inner Mongolia, where the service's programmes run, is listed;
elsewhere :func:`area_code` answers ``None`` (unknown) rather than guess.
"""

from __future__ import annotations

from app.core import divisions

# prefecture GB/T 2260 code → area code
AREA_CODES = {
    "150100": "0471",  # 呼和浩特市
    "150200": "0472",  # 包头市
    "150300": "0473",  # 乌海市
    "150400": "0476",  # 赤峰市
    "150500": "0475",  # 通辽市
    "150600": "0477",  # 鄂尔多斯市
    "150700": "0470",  # 呼伦贝尔市
    "150800": "0478",  # 巴彦淖尔市
    "150900": "0474",  # 乌兰察布市
    "152200": "0482",  # 兴安盟
    "152500": "0479",  # 锡林郭勒盟
    "152900": "0483",  # 阿拉善盟
}


def area_code(division_code: str) -> str | None:
    """The area code of a county or prefecture (historical codes via today's divisions)."""
    for code in (division_code, *divisions.current_equivalents(division_code)):
        if not divisions.is_known(code):
            continue
        for division in divisions.lineage(code):
            if division.code in AREA_CODES:
                return AREA_CODES[division.code]
    return None


def dials_from(phone: str, division_code: str) -> bool:
    """True if a fixed-line number ``0478-1234567`` carries the area code of the division."""
    expected = area_code(division_code)
    return expected is not None and phone.replace(" ", "").startswith(expected + "-")
