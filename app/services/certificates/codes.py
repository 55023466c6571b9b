"""Certificate codes: 16 Crockford base32 symbols with a GF(32) check symbol (DESIGN.md rule 4).

Each symbol is read as its index 0–31, an element of GF(32) built on x⁵ + x² + 1.
A code s₀…s₁₅ is valid when Σ αⁱ·sᵢ = 0 with α = x (the element 2). Because every
αⁱ is non-zero, a single wrong symbol always leaves a non-zero sum; because α ≠ 1,
swapping two different neighbours changes the sum by αⁱ·(1 + α)·(a + b) ≠ 0.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
RANDOM_SYMBOLS = CODE_LENGTH - 1
GROUP_SIZE = 4
LEGACY_MAX_LENGTH = 64
LEGACY_CODE_PATTERN = re.compile(rf"[A-Za-z0-9._-]{{1,{LEGACY_MAX_LENGTH}}}")

_FIELD_SIZE = 32
_MODULUS = 0b100101  # x^5 + x^2 + 1
_ORDER = _FIELD_SIZE - 1  # α generates the 31 non-zero elements
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SYMBOL_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}


def _powers_of_alpha() -> list[int]:
    powers, element = [], 1
    for _ in range(_ORDER):
        powers.append(element)
        element <<= 1
        if element & _FIELD_SIZE:
            element ^= _MODULUS
    return powers


_EXP = _powers_of_alpha()
_LOG = {element: exponent for exponent, element in enumerate(_EXP)}


def _times_alpha_power(element: int, exponent: int) -> int:
    """α^exponent · element in GF(32)."""
    if element == 0:
        return 0
    return _EXP[(_LOG[element] + exponent) % _ORDER]


# αⁱ·v for every position i and symbol value v, so a code's sum is a few table look-ups.
_WEIGHTED = [[_times_alpha_power(value, position) for value in range(_FIELD_SIZE)]
             for position in range(CODE_LENGTH)]
_SYMBOL_SET = frozenset(ALPHABET)


def _weighted_sum(symbols: str) -> int:
    """Σ αⁱ·sᵢ over the given symbols, starting at i = 0."""
    total = 0
    for weights, symbol in zip(_WEIGHTED, symbols, strict=False):
        total ^= weights[_SYMBOL_VALUES[symbol]]
    return total


def _all_symbols(text: str, length: int) -> bool:
    return len(text) == length and _SYMBOL_SET.issuperset(text)


def check_symbol(first15: str) -> str:
    """The check symbol that makes the 15 given symbols a valid code."""
    if not _all_symbols(first15, RANDOM_SYMBOLS):
        raise ValueError(f"expected {RANDOM_SYMBOLS} code symbols, got {first15!r}")
    return _check_for(first15)


def _check_for(symbols: str) -> str:
    # Σ αⁱ·sᵢ + α^n·c = 0 for the n given symbols and the check c (same rule at any length).
    return ALPHABET[_times_alpha_power(_weighted_sum(symbols), -len(symbols))]


def generate_short_code(length: int) -> str:
    """A random code of `length` symbols (≤ 16, the last one the check) shown in groups of four:
    the same check as certificate codes, for shorter codes (a voucher's 12)."""
    if not 2 <= length <= CODE_LENGTH:
        raise ValueError(f"a code has 2 to {CODE_LENGTH} symbols, not {length}")
    first = "".join(secrets.choice(ALPHABET) for _ in range(length - 1))
    return _grouped(first + _check_for(first))


def _grouped(symbols: str) -> str:
    return "-".join(symbols[start:start + GROUP_SIZE]
                    for start in range(0, len(symbols), GROUP_SIZE))


def short_code_keys(text: str, length: int) -> tuple[str | None, bool]:
    """(the code as stored, None) for a typed code of `length` symbols with a good check;
    (None, True) when it has that many symbols but a failing check (mistyped); (None, False)
    when it is no such code at all."""
    symbols = normalise(text)
    if not _all_symbols(symbols, length):
        return None, False
    if _weighted_sum(symbols) != 0:
        return None, True
    return _grouped(symbols), False


def is_valid(symbols16: str) -> bool:
    """Whether 16 bare symbols (no hyphens; normalise first) pass the check."""
    return _all_symbols(symbols16, CODE_LENGTH) and _weighted_sum(symbols16) == 0


def format_code(symbols: str) -> str:
    """16 bare symbols shown as XXXX-XXXX-XXXX-XXXX."""
    if not _all_symbols(symbols, CODE_LENGTH):
        raise ValueError(f"expected {CODE_LENGTH} code symbols, got {symbols!r}")
    return _grouped(symbols)


def generate_code() -> str:
    """A new random certificate code, formatted as stored: XXXX-XXXX-XXXX-XXXX."""
    first15 = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return format_code(first15 + check_symbol(first15))


def normalise(text: str) -> str:
    """Uppercase, drop whitespace and hyphens, read O as 0 and I/L as 1."""
    return "".join(text.split()).replace("-", "").upper().translate(_LOOKALIKES)


def is_legacy_code_acceptable(text: str) -> bool:
    """Whether an imported code fits the legacy form: 1–64 of A–Z a–z 0–9 . _ -"""
    return LEGACY_CODE_PATTERN.fullmatch(text) is not None


@dataclass(frozen=True)
class LookupKeys:
    """What to look a typed code up by: the exact text, then the Lifeline code."""

    exact: str | None
    formatted: str | None
    mistyped: bool


def lookup_keys(text: str) -> LookupKeys:
    """Keys for a look-up: try `exact` against stored codes, then `formatted`.

    When neither matches a stored code and `mistyped` is set, the answer is
    "mistyped" (400); otherwise it is "not found". `exact` is the stripped text
    when it could be a stored code at all (legacy form), else None. `formatted` is
    the Lifeline code when the normalised text is 16 symbols with a good check;
    `mistyped` is True when it is 16 symbols whose check fails.
    """
    stripped = text.strip()
    exact = stripped if is_legacy_code_acceptable(stripped) else None
    symbols = normalise(stripped)
    if not _all_symbols(symbols, CODE_LENGTH):
        return LookupKeys(exact=exact, formatted=None, mistyped=False)
    if is_valid(symbols):
        return LookupKeys(exact=exact, formatted=format_code(symbols), mistyped=False)
    return LookupKeys(exact=exact, formatted=None, mistyped=True)
