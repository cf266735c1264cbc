from collections import Counter
from itertools import permutations

import pytest

from app.label.code import (
    ALPHABET,
    CODE_LENGTH,
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


def with_check(first19: str) -> str:
    return first19 + check_character(first19)


def test_minted_codes_have_the_designed_shape(codec, sample) -> None:
    for code in sample:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) and code[0] == "2"
        assert codec.classify(code).status is CodeStatus.AUTHENTIC
    assert len(set(sample)) == len(sample)
    assert len(codec.mint_many(50)) == 50


# The check is linear, so whether an error is caught depends only on the position and the two
# characters involved, never on the rest of the code: a fixed body, every position and every
# pair of characters is a proof, not a sample. The sampled tests below check the same on real
# minted codes in case that reasoning (or the code) is ever wrong.


def test_every_substitution_at_every_position_is_caught_exhaustively() -> None:
    for first19 in ("0" * 19, "Z" * 19, "2K3F9ABCDEFGHJKMNPQ"):
        code = with_check(first19)
        for position in range(CODE_LENGTH):
            for char in ALPHABET.replace(code[position], ""):
                assert not is_well_formed(code[:position] + char + code[position + 1 :])


def test_every_adjacent_swap_of_every_pair_at_every_position_is_caught_exhaustively() -> None:
    body = "2" + "0" * 18
    for position in range(CODE_LENGTH - 2):  # swaps among the first 19 characters
        for a, b in permutations(ALPHABET, 2):
            code = with_check(body[:position] + a + b + body[position + 2 :])
            assert not is_well_formed(code[:position] + b + a + code[position + 2 :]), (a, b)
    for a in ALPHABET:  # the last data character with the check character itself
        code = with_check(body[:18] + a)
        if code[18] != code[19]:
            assert not is_well_formed(code[:18] + code[19] + code[18])


def test_every_typo_and_swap_of_minted_codes_is_caught(sample) -> None:
    for code in sample:
        for position in range(CODE_LENGTH):
            for char in ALPHABET.replace(code[position], ""):
                assert not is_well_formed(code[:position] + char + code[position + 1 :])
            if position < CODE_LENGTH - 1 and code[position] != code[position + 1]:
                swapped = (
                    code[:position] + code[position + 1] + code[position] + code[position + 2 :]
                )
                assert not is_well_formed(swapped)


def luhn_mod_n_check(first19: str) -> str:
    """Plain Luhn mod 32 (the design's wording), for the record of why we do not use it."""
    total = 0
    for i, char in enumerate(reversed(first19)):
        value = ALPHABET.index(char) * (2 if i % 2 == 0 else 1)
        total += value // 32 + value % 32
    return ALPHABET[-total % 32]


def test_plain_luhn_mod_32_would_miss_the_0_z_swap_which_our_check_catches() -> None:
    first19 = "2" + "0" * 16 + "0Z"
    swapped19 = "2" + "0" * 16 + "Z0"
    assert luhn_mod_n_check(first19) == luhn_mod_n_check(swapped19)  # Luhn is blind to it
    assert not is_well_formed(swapped19 + check_character(first19))


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("k3f9-abcd-efgh-jkmn-pqrs", "K3F9ABCDEFGHJKMNPQRS"),
        ("  K3F9 ABCD\tEFGH\nJKMN PQRS ", "K3F9ABCDEFGHJKMNPQRS"),
        ("iIlL oO", "111100"),
        ("ＫＳ１２－ａｂ\u3000cd", "KS12ABCD"),  # full-width input and the ideographic space
        ("AB–CD—EF", "ABCDEF"),  # dashes a phone keyboard puts in place of hyphens
        ("uU", "UU"),  # U is not in the alphabet and stays invalid
    ],
)
def test_normalisation(typed, normalised) -> None:
    assert normalise(typed) == normalised


def test_grouped_format_round_trips(codec, sample) -> None:
    grouped = format_grouped(sample[0])
    assert len(grouped) == 24 and [len(g) for g in grouped.split("-")] == [4] * 5
    assert normalise(grouped) == sample[0]
    spoken = grouped.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert codec.classify(spoken) == codec.classify(sample[0])
    assert codec.classify(spoken).code == sample[0]


def test_wrong_tag_is_unknown_not_malformed(codec, sample) -> None:
    code = sample[0]
    for tag in ("0000", "ZZZZ", code[15:18] + ALPHABET[(ALPHABET.index(code[18]) + 1) % 32]):
        if tag != code[15:19]:
            assert codec.classify(with_check(code[:15] + tag)).status is CodeStatus.UNKNOWN


def test_unknown_key_id_is_unknown_like_a_never_issued_code(codec, sample) -> None:
    other_key = with_check("7" + sample[0][1:19])
    assert codec.classify(other_key).status is CodeStatus.UNKNOWN
    assert codec.classify(with_check("3" * 19)).status is CodeStatus.UNKNOWN


def test_malformed_never_depends_on_the_keys(sample) -> None:
    """A typo reads the same under any key set: malformed says nothing about our keys."""
    strangers = LabelCodec({"9": b"s" * 32}, "9")
    ours = LabelCodec(KEYS, "2")
    for code in sample[:20]:
        typo = code[:5] + ("0" if code[5] != "0" else "1") + code[6:]
        assert ours.classify(typo).status is strangers.classify(typo).status is CodeStatus.MALFORMED
        assert ours.classify(code).status is CodeStatus.AUTHENTIC
        assert strangers.classify(code).status is CodeStatus.UNKNOWN


@pytest.mark.parametrize(
    "text",
    ["", "ABC", "U" * 20, "2" * 21, "2" * 19, "€" * 20, "2_" * 10, "+" + "2" * 19, "x" * 10_000],
)
def test_malformed_input(codec, text) -> None:
    assert codec.classify(text).status is CodeStatus.MALFORMED


def test_codes_minted_under_an_old_key_keep_verifying_after_rotation() -> None:
    old = LabelCodec(KEYS, "1").mint()
    rotated = LabelCodec(KEYS | {"3": b"n" * 32}, "3")
    assert rotated.mint()[0] == "3"
    assert rotated.classify(old).status is CodeStatus.AUTHENTIC
    assert LabelCodec({"3": b"n" * 32}, "3").classify(old).status is CodeStatus.UNKNOWN


def chi_square(counts: Counter[str], total: int) -> float:
    expected = total / len(ALPHABET)
    return sum((counts[char] - expected) ** 2 / expected for char in ALPHABET)


def test_random_part_and_tag_use_the_whole_alphabet_evenly(codec) -> None:
    codes = codec.mint_many(4000)
    random_chars = Counter(char for code in codes for char in code[1:15])
    tag_chars = Counter(char for code in codes for char in code[15:19])
    assert set(random_chars) == set(tag_chars) == set(ALPHABET)
    # 31 degrees of freedom: a uniform source exceeds 80 with probability below 10⁻⁵.
    assert chi_square(random_chars, 4000 * 14) < 80
    assert chi_square(tag_chars, 4000 * 4) < 80
    first_random = Counter(code[1] for code in codes)  # and per position, not only overall
    assert chi_square(first_random, 4000) < 80


@pytest.mark.parametrize(
    ("keys", "current"),
    [
        ({"I": b"x" * 32}, "I"),
        ({"12": b"x" * 32}, "12"),
        ({"1": b"x" * 15}, "1"),
        ({"1": b"x" * 32}, "2"),
    ],
)
def test_bad_key_configuration_is_refused(keys, current) -> None:
    with pytest.raises(ValueError):
        LabelCodec(keys, current)


def test_classify_remembers_inputs_within_a_bound(monkeypatch) -> None:
    import app.label.code as code_module

    monkeypatch.setattr(code_module, "CLASSIFY_MEMO", 3)
    codec = LabelCodec({"1": b"k" * 32}, "1")
    genuine = codec.mint()
    first = codec.classify(genuine.lower())
    assert codec.classify(genuine.lower()) is first  # the second check of a code is remembered
    assert first.status is CodeStatus.AUTHENTIC and first.code == genuine
    for text in ("A", "B", "C", "D"):
        assert codec.classify(text).status is CodeStatus.MALFORMED
    assert len(codec._classified) <= 3
    assert codec.classify(genuine.lower()) == first  # dropped from the memo, decided again
