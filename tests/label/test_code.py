from collections import Counter

import pytest

from app.label.code import (
    ALPHABET,
    CodeStatus,
    LabelCodec,
    check_character,
    format_grouped,
    is_well_formed,
    normalise,
)

KEYS = {"1": b"k" * 32, "2": b"q" * 32}


@pytest.fixture(scope="module")
def codec() -> LabelCodec:
    return LabelCodec(KEYS, "2")


@pytest.fixture(scope="module")
def sample(codec) -> list[str]:
    return [codec.mint() for _ in range(200)]


def test_minted_codes_have_the_designed_shape(codec, sample) -> None:
    for code in sample:
        assert len(code) == 20 and set(code) <= set(ALPHABET) and code[0] == "2"
        assert codec.classify(code).status is CodeStatus.AUTHENTIC
    assert len(set(sample)) == len(sample)


def test_every_single_substitution_is_caught(sample) -> None:
    for code in sample:
        for position in range(20):
            for char in ALPHABET:
                if char != code[position]:
                    typo = code[:position] + char + code[position + 1 :]
                    assert not is_well_formed(typo), (code, position, char)


def test_every_adjacent_swap_is_caught(sample) -> None:
    for code in sample:
        for position in range(19):
            a, b = code[position], code[position + 1]
            if a != b:
                swapped = code[:position] + b + a + code[position + 2 :]
                assert not is_well_formed(swapped), (code, position)


def test_every_adjacent_swap_of_every_pair_at_every_position_is_caught() -> None:
    """Exhaustive over the alphabet: the promise holds for any code, not just a sample."""
    body = "2" + "0" * 18
    for position in range(18):
        for a in ALPHABET:
            for b in ALPHABET:
                if a == b:
                    continue
                first = body[:position] + a + b + body[position + 2 :]
                code = first + check_character(first)
                swapped = code[:position] + b + a + code[position + 2 :]
                assert not is_well_formed(swapped)
    # and the swap of the last data character with the check character itself
    for a in ALPHABET:
        first = body[:18] + a
        code = first + check_character(first)
        if code[18] != code[19]:
            assert not is_well_formed(code[:18] + code[19] + code[18])


def test_normalisation(codec, sample) -> None:
    code = sample[0]
    grouped = format_grouped(code)
    assert grouped.count("-") == 4 and len(grouped) == 24
    assert normalise(f"  {grouped.lower()} ") == code
    assert normalise(code.replace("1", "l").replace("0", "o")) == code
    assert normalise("i") == "1" and normalise("A B\tC") == "ABC"
    assert codec.classify(grouped.lower().replace("-", " ")).status is CodeStatus.AUTHENTIC


def test_wrong_tag_and_unknown_key_are_unknown_not_malformed(codec, sample) -> None:
    code = sample[0]
    forged_body = code[:15] + ("0000" if code[15:19] != "0000" else "1111")
    forged = forged_body + check_character(forged_body)
    assert codec.classify(forged).status is CodeStatus.UNKNOWN
    other_key_body = "7" + code[1:19]
    assert (
        codec.classify(other_key_body + check_character(other_key_body)).status
        is CodeStatus.UNKNOWN
    )
    random_guess = "3" * 19
    assert codec.classify(random_guess + check_character(random_guess)).status is CodeStatus.UNKNOWN


@pytest.mark.parametrize("text", ["", "ABC", "U" * 20, "2" * 21, "€" * 20])
def test_malformed_input(codec, text) -> None:
    assert codec.classify(text).status is CodeStatus.MALFORMED


def test_codes_minted_under_an_old_key_keep_verifying() -> None:
    old = LabelCodec(KEYS, "1").mint()
    rotated = LabelCodec(KEYS | {"3": b"n" * 32}, "3")
    assert rotated.mint()[0] == "3"
    assert rotated.classify(old).status is CodeStatus.AUTHENTIC
    assert LabelCodec({"3": b"n" * 32}, "3").classify(old).status is CodeStatus.UNKNOWN


def test_random_part_uses_the_whole_alphabet(codec) -> None:
    counts = Counter(char for _ in range(2000) for char in codec.mint()[1:15])
    assert set(counts) == set(ALPHABET)
    expected = 2000 * 14 / 32
    assert all(0.7 * expected < n < 1.3 * expected for n in counts.values())


@pytest.mark.parametrize(
    ("keys", "current"), [({"I": b"x" * 32}, "I"), ({"1": b"short"}, "1"), ({"1": b"x" * 32}, "2")]
)
def test_bad_key_configuration_is_refused(keys, current) -> None:
    with pytest.raises(ValueError):
        LabelCodec(keys, current)
