"""URL converters: `<int:…>` matches only numbers that fit the 32-bit integer keys.

A larger number would overflow the database driver (a 500) if it reached a query; bounding
it in the rule's own pattern makes it "no such page" (404) for every method alike. (A
converter that *rejects* after matching would let Werkzeug answer 405 for the other methods
of the same path.)
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_RECORD_ID = 2**31 - 1


def digits_up_to(limit: int) -> str:
    """A regular expression matching the decimal numbers 0..limit (leading zeros allowed)."""
    digits = str(limit)
    width = len(digits)
    alternatives = [f"[0-9]{{1,{width - 1}}}"] if width > 1 else []
    for position, digit in enumerate(digits):
        if digit != "0":
            rest = width - position - 1
            alternatives.append(f"{digits[:position]}[0-{int(digit) - 1}][0-9]{{{rest}}}")
    alternatives.append(digits)
    return "(?:" + "|".join(alternatives) + ")"


class RecordIdConverter(IntegerConverter):
    """`<int:…>` for record ids: 0..MAX_RECORD_ID, anything longer does not match."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(map, *args, **kwargs)
        if not self.signed and not self.fixed_digits:
            self.regex = digits_up_to(self.max)
