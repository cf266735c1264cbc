import pytest

from app.enterprise.uscc import (
    InvalidUSCC,
    check_character,
    compose,
    organisation_check_digit,
    parse_uscc,
    validate_uscc,
)

pytestmark = pytest.mark.dbless


def test_published_example_is_valid() -> None:
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"


def test_lower_case_and_spaces_are_normalised() -> None:
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        ("91350100M000100Y4", "length", "17"),
        ("91350100M000100Y433", "length", "19"),
        ("91350100M0001O0Y43", "character", "character 14"),
        ("91350100I000100Y43", "character", "'I'"),
        ("91350100M000100Y44", "check", "should be '3'"),
    ],
)
def test_each_kind_of_error_is_named(code: str, reason: str, words: str) -> None:
    with pytest.raises(InvalidUSCC) as caught:
        validate_uscc(code)
    assert caught.value.reason == reason
    assert words in str(caught.value)


def test_check_character_maps_31_to_zero() -> None:
    # Search a body whose weighted sum is ≡ 0 (mod 31): its check must be '0', not 'Y'+1.
    for n in range(10_000):
        organisation = f"MA{n:06d}"
        body = "91350100" + organisation + organisation_check_digit(organisation)
        if check_character(body) == "0":
            assert validate_uscc(body + "0")
            return
    pytest.fail("no body with check character 0 found")


@pytest.mark.parametrize(
    ("code", "authority", "kind", "division"),
    [
        ("91350100M000100Y43", "工商", "企业", "福州市"),  # the example printed in GB 32100
        ("91110000100010433L", "工商", "企业", "北京市"),
        (compose("93", "150821", "MA0N1K2X"), "工商", "农民专业合作社", "五原县"),
        (compose("92", "150802", "L1234567"), "工商", "个体工商户", "临河区"),
        (compose("51", "150300", "MJ000001"), "民政", "社会团体", "乌海市"),
        (compose("N2", "150821", "55123456"), "农业", "村级集体经济组织", "五原县"),
    ],
)
def test_valid_codes_are_read_part_by_part(
    code: str, authority: str, kind: str, division: str
) -> None:
    parsed = parse_uscc(code)
    assert (parsed.authority, parsed.organisation_type) == (authority, kind)
    assert parsed.division is not None and parsed.division.name == division
    assert not parsed.historical_division


def test_historical_division_is_accepted_and_flagged() -> None:
    # 杭州市下城区 (330103) was merged into 拱墅区 in 2021; codes issued before keep 330103.
    parsed = parse_uscc(compose("91", "330103", "MA2CDE1F"))
    assert parsed.division is not None and parsed.division.name == "下城区"
    assert parsed.historical_division


def test_national_registration_division() -> None:
    assert parse_uscc(compose("11", "100000", "00001312")).division is None


def test_organisation_check_digit_writes_ten_as_x() -> None:
    bodies = (f"MA{n:06d}" for n in range(1000))
    assert any(organisation_check_digit(body) == "X" for body in bodies)
    assert compose("91", "150821", "MA000000")[8:17] == "MA000000" + organisation_check_digit(
        "MA000000"
    )


def _with_check(first17: str) -> str:
    """A code whose final check character is right, so only the part under test is wrong."""
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        (_with_check("B1150821MA0N1K2X0"), "authority", "character 1 ('B')"),
        (_with_check("94150821MA0N1K2X0"), "organisation_type", "工商"),
        (_with_check("54150821MA0N1K2X0"), "organisation_type", "民政"),
        (_with_check("91150899MA0N1K2X0"), "division", "150899"),
        (_with_check("91159900MA0N1K2X0"), "division", "GB/T 2260"),
        (_with_check("93150821MA0N1K2X1"), "organisation_code", "GB 11714 gives '0'"),
        (_with_check("93150821MA0N1K2XX"), "organisation_code", "'X'"),
    ],
)
def test_each_part_is_checked(code: str, reason: str, words: str) -> None:
    with pytest.raises(InvalidUSCC) as caught:
        validate_uscc(code)
    assert caught.value.reason == reason
    assert words in str(caught.value)
