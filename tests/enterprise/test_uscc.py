import pytest

from app.enterprise.uscc import InvalidUSCC, check_character, validate_uscc


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
        body = f"9135010000{n:07d}"
        if check_character(body) == "0":
            assert validate_uscc(body + "0")
            return
    pytest.fail("no body with check character 0 found")
