"""Certificate codes: the check symbol, normalisation and look-up classification."""

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.services.certificates.codes import (
    ALPHABET,
    check_symbol,
    format_code,
    generate_code,
    is_legacy_code_acceptable,
    is_valid,
    lookup_keys,
    normalise,
)

VECTORS = [
    "1234-5678-9ABC-DEFE",
    "K7M2-QZ9T-X4HW-0RND",
    "ZZZZ-ZZZZ-ZZZZ-ZZZA",
    "0000-0000-0000-0000",
]
FORMATTED = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")

first15s = st.text(alphabet=ALPHABET, min_size=15, max_size=15)
valid_codes = first15s.map(lambda first15: first15 + check_symbol(first15))


@pytest.mark.parametrize("vector", VECTORS)
def test_design_test_vectors_are_valid(vector):
    symbols = vector.replace("-", "")
    assert is_valid(symbols)
    assert check_symbol(symbols[:15]) == symbols[15]
    assert format_code(symbols) == vector


@pytest.mark.parametrize("vector", VECTORS)
def test_changing_a_test_vectors_check_symbol_makes_it_invalid(vector):
    symbols = vector.replace("-", "")
    other = ALPHABET[(ALPHABET.index(symbols[15]) + 1) % 32]
    assert not is_valid(symbols[:15] + other)


def test_generated_codes_are_formatted_valid_and_distinct():
    codes = [generate_code() for _ in range(500)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert FORMATTED.fullmatch(code), code
        assert is_valid(code.replace("-", ""))


def test_is_valid_rejects_wrong_length_and_foreign_symbols():
    assert not is_valid("0000-0000-0000-0000")  # bare symbols only
    assert not is_valid("000000000000000")
    assert not is_valid("00000000000000000")
    assert not is_valid("000000000000000U")


def test_check_symbol_and_format_refuse_malformed_input():
    with pytest.raises(ValueError):
        check_symbol("12345")
    with pytest.raises(ValueError):
        format_code("1234-5678-9ABC-DEFE")


def test_normalise_ignores_case_spaces_hyphens_and_reads_lookalikes():
    assert normalise(" k7m2-qz9t x4hw\t0rnd\n") == "K7M2QZ9TX4HW0RND"
    assert normalise("oOiIlL") == "001111"
    assert normalise("a-b c") == "ABC"


@settings(max_examples=200, deadline=None)
@given(valid_codes)
def test_every_valid_code_survives_sloppy_typing(symbols):
    sloppy = " ".join(symbols[i:i + 2] for i in range(0, 16, 2)).lower().replace("0", "o")
    sloppy = sloppy.replace("1", "l")
    assert lookup_keys(sloppy).formatted == format_code(symbols)


@settings(max_examples=200, deadline=None)
@given(valid_codes, st.integers(0, 15), st.integers(1, 31))
def test_every_single_symbol_substitution_is_caught(symbols, position, shift):
    wrong = ALPHABET[(ALPHABET.index(symbols[position]) + shift) % 32]
    mistyped = symbols[:position] + wrong + symbols[position + 1:]
    assert is_valid(symbols)
    assert not is_valid(mistyped)


@settings(max_examples=200, deadline=None)
@given(valid_codes, st.integers(0, 14))
def test_every_swap_of_two_different_neighbours_is_caught(symbols, position):
    left, right = symbols[position], symbols[position + 1]
    assume(left != right)
    swapped = symbols[:position] + right + left + symbols[position + 2:]
    assert not is_valid(swapped)


def _valid_code_with(position, left, right):
    """A valid code holding `left, right` at `position, position + 1`."""
    if position < 14:
        first15 = "0" * position + left + right + "0" * (13 - position)
        return first15 + check_symbol(first15)
    fillers = (filler + "0" * 13 + left + right for filler in ALPHABET)
    return next(symbols for symbols in fillers if is_valid(symbols))


def test_every_neighbour_swap_of_every_symbol_pair_is_caught_at_each_position():
    for position in range(15):
        for left in ALPHABET:
            for right in ALPHABET.replace(left, ""):
                symbols = _valid_code_with(position, left, right)
                swapped = symbols[:position] + right + left + symbols[position + 2:]
                assert not is_valid(swapped), (position, left, right)


def test_lookup_keys_for_a_valid_code():
    keys = lookup_keys("  k7m2 qz9t x4hw ornd ")
    assert keys.formatted == "K7M2-QZ9T-X4HW-0RND"
    assert not keys.mistyped
    assert keys.exact is None  # spaces are not part of any stored code


def test_lookup_keys_keeps_the_exact_text_for_a_stored_formatted_code():
    keys = lookup_keys(" K7M2-QZ9T-X4HW-0RND ")
    assert keys.exact == "K7M2-QZ9T-X4HW-0RND"
    assert keys.formatted == "K7M2-QZ9T-X4HW-0RND"


@settings(max_examples=200, deadline=None)
@given(valid_codes, st.integers(0, 15), st.integers(1, 31))
def test_one_changed_symbol_is_classified_mistyped(symbols, position, shift):
    wrong = ALPHABET[(ALPHABET.index(symbols[position]) + shift) % 32]
    typed = format_code(symbols[:position] + wrong + symbols[position + 1:])
    keys = lookup_keys(typed)
    assert keys.mistyped
    assert keys.formatted is None
    assert keys.exact == typed


def test_legacy_code_is_looked_up_exactly_only():
    keys = lookup_keys("ABC-123_x.y")
    assert keys.exact == "ABC-123_x.y"
    assert keys.formatted is None
    assert not keys.mistyped


def test_legacy_code_of_sixteen_symbols_with_bad_check_is_still_tried_exactly():
    keys = lookup_keys("legacy0000000001")
    assert keys.exact == "legacy0000000001"
    assert keys.mistyped  # answered "mistyped" only if no stored code matches exactly


@pytest.mark.parametrize(
    "junk", ["<script>", "", "   ", "a/b", "x" * 65, "ABC\n123", "ÄBC", "1234-5678-9ABC-DEF"]
)
def test_junk_is_neither_looked_up_nor_called_mistyped(junk):
    keys = lookup_keys(junk)
    assert keys.formatted is None
    assert not keys.mistyped
    if junk != "1234-5678-9ABC-DEF":
        assert keys.exact is None


def test_legacy_acceptance_bounds():
    assert is_legacy_code_acceptable("a")
    assert is_legacy_code_acceptable("A" * 64)
    assert not is_legacy_code_acceptable("A" * 65)
    assert not is_legacy_code_acceptable("")
    assert not is_legacy_code_acceptable("ABC\n")
    assert not is_legacy_code_acceptable("AB C")
    assert not is_legacy_code_acceptable("٣")  # a non-ASCII digit
