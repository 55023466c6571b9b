"""The one rule for every CSV Lifeline writes (API-2.md §1, OWASP CSV injection): a cell a
spreadsheet would run as a formula is written with a leading apostrophe, and read back
without it, so an export imports as the records it was made from."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_apostrophe(text: str) -> bool:
    # A cell that already starts with an apostrophe before a formula start gets one more,
    # so `restored` can tell it from a defused one and the rule stays reversible.
    return text.startswith(FORMULA_STARTS) or (text[:1] == "'" and text[1:2] != ""
                                               and text[1:].startswith(FORMULA_STARTS))


def defused(value: object) -> str:
    """The cell as written: the value's text, with a leading `'` if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if _needs_apostrophe(text) else text


def restored(text: str) -> str:
    """The value a defused cell was made from (the inverse of `defused`, for the import)."""
    if text[:1] == "'" and _needs_apostrophe(text[1:]):
        return text[1:]
    return text


def defused_row(row: Iterable[object]) -> list[str]:
    return [defused(value) for value in row]


def csv_text(columns: Sequence[str], rows: Iterable[Iterable[object]],
             lineterminator: str = "\n") -> str:
    """A whole CSV document: a header row, then every row defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow(columns)
    writer.writerows(defused_row(row) for row in rows)
    return buffer.getvalue()
