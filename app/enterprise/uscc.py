"""Unified social credit code (统一社会信用代码), checked part by part against GB 32100-2015.

    position  1     registration authority (登记管理部门代码): 9 = market regulation (工商), …
              2     organisation type under that authority (机构类别代码): 91 company, 93 co-op
              3–8   GB/T 2260 division of the registering office: current *or abolished*, since a
                    code is never re-issued when the office's division is renamed or merged
              9–17  organisation code (主体标识码, GB 11714): 8 characters and its own check digit
              18    check character over positions 1–17, modulo 31

Each refusal names the part that is wrong, so a clerk re-reads the right characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core import divisions

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_VALUE = {char: value for value, char in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(LENGTH - 1))  # 3^(i-1) mod 31 for positions 1..17

# GB 32100-2015 appendix A: registration authority → (name, {organisation type → name}).
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "直管群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台旅游部门常驻代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}
# Offices of the central government register under 100000, which GB/T 2260 does not list.
NATIONAL_DIVISION = "100000"

# GB 11714 organisation code: weights of the 8 body characters, digits 0-9 and letters A=10…Z=35.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class InvalidUSCC(ValueError):
    """``reason`` names the wrong part: ``length``, ``character``, ``authority``,
    ``organisation_type``, ``division``, ``organisation_code`` or ``check``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class USCC:
    code: str
    authority: str  # e.g. 工商
    organisation_type: str  # e.g. 农民专业合作社
    division: divisions.Division | None  # None for a national (100000) registration
    organisation_code: str

    @property
    def historical_division(self) -> bool:
        return self.division is not None and self.division.historical


def check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def organisation_check_digit(body8: str) -> str:
    """GB 11714's check digit: 11 - (weighted sum mod 11), with 10 written 'X' and 11 as '0'."""
    total = sum(int(char, 36) * weight for char, weight in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def compose(authority_and_type: str, division_code: str, organisation_body: str) -> str:
    """A structurally valid USCC from its parts (e.g. ``"93"``, ``"150821"``, 8 characters)."""
    body = authority_and_type + division_code + organisation_body
    body += organisation_check_digit(organisation_body)
    return body + check_character(body)


def _check_characters(code: str) -> None:
    if len(code) != LENGTH:
        raise InvalidUSCC("length", f"a USCC has 18 characters, this one has {len(code)}")
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise InvalidUSCC(
                "character",
                f"character {position} ({char!r}) is not allowed: a USCC uses only digits and "
                "the letters ABCDEFGHJKLMNPQRTUWXY (no I, O, S, V, Z)",
            )


def _authority(code: str) -> tuple[str, str]:
    if code[0] not in AUTHORITIES:
        known = ", ".join(AUTHORITIES)
        raise InvalidUSCC(
            "authority",
            f"character 1 ({code[0]!r}) is not a registration authority code ({known})",
        )
    name, types = AUTHORITIES[code[0]]
    if code[1] not in types:
        allowed = ", ".join(f"{k} {v}" for k, v in types.items())
        raise InvalidUSCC(
            "organisation_type",
            f"character 2 ({code[1]!r}) is not an organisation type of registration authority "
            f"{code[0]} ({name}), which has: {allowed}",
        )
    return name, types[code[1]]


def _division(code: str) -> divisions.Division | None:
    division_code = code[2:8]
    if division_code == NATIONAL_DIVISION:
        return None
    division = divisions.get(division_code)
    if division is None:
        raise InvalidUSCC(
            "division",
            f"characters 3–8 ({division_code}) are not a GB/T 2260 division code, "
            "current or historical",
        )
    return division


def _organisation_code(code: str) -> str:
    organisation = code[8:17]  # the USCC charset has already barred all but digits and letters
    expected = organisation_check_digit(organisation[:8])
    if organisation[8] != expected:
        raise InvalidUSCC(
            "organisation_code",
            f"the organisation code {organisation} (characters 9–17) has check digit "
            f"{organisation[8]!r} but GB 11714 gives {expected!r}: mistyped?",
        )
    return organisation


def parse_uscc(raw: str) -> USCC:
    """Check every part and say what the code means; raises :class:`InvalidUSCC`."""
    code = raw.strip().upper()
    _check_characters(code)
    authority, organisation_type = _authority(code)
    division = _division(code)
    organisation = _organisation_code(code)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(
            "check", f"the check character is {code[17]!r} but should be {expected!r}: mistyped?"
        )
    return USCC(code, authority, organisation_type, division, organisation)


def validate_uscc(raw: str) -> str:
    """Return the normalised code (trimmed, upper case) or raise :class:`InvalidUSCC`."""
    return parse_uscc(raw).code
