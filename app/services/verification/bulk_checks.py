"""Bulk checks for employers: reading a CSV or pasted list of codes (optionally with the
employee's name) and writing the answers, and the CSV of a watch list.

Input: one code a line, optionally `code,name`; a header row naming a `code` column (and
optionally a name column) may come first, in any column order.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.models.vocab import LEVEL_LABELS
from app.services.errors import Invalid
from app.services.records.csv_cells import csv_text
from app.services.verification.lookup import Verification
from app.services.verification.watchlist import WatchedCertificate

MAX_CODES = 500
MAX_CODE_LENGTH = 100
_CODE_HEADERS = {"code", "codes", "certificate code", "certificate", "card code", "card",
                 "certificate id", "certificate number", "card id", "card number"}
_NAME_HEADERS = {"name", "employee", "employee name", "holder", "holder name", "holder_name",
                 "employee_name", "full name"}

RESULT_COLUMNS = ("code", "name_given", "status", "holder_name", "name_matches", "course",
                  "level", "issued_on", "expires_on", "meets_requirement", "reasons")
WATCH_LIST_COLUMNS = ("employee_name", "holder_name", "code", "course", "level", "status",
                      "issued_on", "expires_on", "days_left", "renewed")


@dataclass(frozen=True)
class CodeRow:
    """A code to check, with the employee's name as the employer knows it (if given)."""

    code: str
    name: str | None
    line: int


def _header_columns(cells: list[str]) -> tuple[int, int | None] | None:
    labels = [cell.strip().lower().replace("_", " ") for cell in cells]
    code_column = next((i for i, label in enumerate(labels) if label in _CODE_HEADERS), None)
    if code_column is None:
        return None
    name_column = next((i for i, label in enumerate(labels)
                        if label in _NAME_HEADERS or label.replace(" ", "_") in _NAME_HEADERS),
                       None)
    return code_column, name_column


def _delimiter(text: str) -> str:
    """Commas, or the tabs of cells pasted from a spreadsheet, or the semicolons some
    spreadsheets write: whichever the first line uses."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return next((mark for mark in ("\t", ";", ",") if mark in first_line), ",")


def parse_codes(text: str) -> list[CodeRow]:
    """The codes (and names) of an uploaded CSV or a pasted list; raises Invalid when empty,
    over the limit of MAX_CODES, or holding a code longer than MAX_CODE_LENGTH."""
    text = text.removeprefix("\ufeff")  # a byte-order mark pasted along with the text
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        rows = [(number, cells) for number, cells in enumerate(reader, 1)
                if any(cell.strip() for cell in cells)]
    except csv.Error as error:
        raise Invalid.field("codes", f"This is not a readable CSV file ({error}).") from None
    code_column, name_column = 0, 1
    if rows and (columns := _header_columns(rows[0][1])) is not None:
        code_column, name_column = columns
        rows = rows[1:]
    parsed = []
    for number, cells in rows:
        code = cells[code_column].strip() if code_column < len(cells) else ""
        name = cells[name_column].strip() if name_column is not None and name_column < len(
            cells) else ""
        if not code:
            continue
        if len(code) > MAX_CODE_LENGTH:
            raise Invalid.field("codes", f"Line {number}: a code is at most "
                                         f"{MAX_CODE_LENGTH} characters.")
        parsed.append(CodeRow(code=code, name=name or None, line=number))
    if not parsed:
        raise Invalid.field("codes", "Give at least one code.")
    if len(parsed) > MAX_CODES:
        raise Invalid.field("codes", f"At most {MAX_CODES} codes at a time; got {len(parsed)}.")
    return parsed


def _name_tokens(name: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", bare)


def names_match(given: str, holder_name: str) -> bool:
    """Whether a name as the employer knows it plausibly is the holder's: the same words in
    any order ("Doe, Jane"), ignoring case and accents, or one holding all of the other's
    words when that is at least two words (a middle name left out)."""
    given_words, holder_words = set(_name_tokens(given)), set(_name_tokens(holder_name))
    if not given_words or not holder_words:
        return False
    if given_words == holder_words:
        return True
    shorter, longer = sorted((given_words, holder_words), key=len)
    return len(shorter) >= 2 and shorter <= longer


@dataclass(frozen=True)
class CheckedRow:
    """A code row with its verification, and whether the given name fits the holder's."""

    row: CodeRow
    answer: Verification

    @property
    def name_matches(self) -> bool | None:
        if self.row.name is None or self.answer.record is None:
            return None
        return names_match(self.row.name, self.answer.record["holder_name"])


def checked_rows(rows: Sequence[CodeRow], answers: Sequence[Verification]) -> list[CheckedRow]:
    """Pair each code row with its answer (answers come in the order the codes were sent)."""
    return [CheckedRow(row, answer) for row, answer in zip(rows, answers, strict=True)]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document with a header row; formula-like cells are defused for spreadsheets."""
    return csv_text(columns, rows, lineterminator="\r\n")


def results_csv(checked: Iterable[CheckedRow]) -> str:
    """The bulk check's answers as CSV, one line per code in the order given."""
    lines = []
    for item in checked:
        record = item.answer.record or {}
        lines.append((
            item.row.code, item.row.name, item.answer.status, record.get("holder_name"),
            _yes_no(item.name_matches), (record.get("course") or {}).get("title"),
            LEVEL_LABELS.get(record.get("level"), record.get("level")),
            record.get("issued_on"), record.get("expires_on"),
            _yes_no(item.answer.meets_requirement), " ".join(item.answer.reasons),
        ))
    return to_csv(RESULT_COLUMNS, lines)


def watch_list_csv(lines: Iterable[WatchedCertificate]) -> str:
    """The watch list as CSV: the card that currently counts, soonest expiry first."""
    rows = []
    for line in lines:
        current = line.current
        renewed = "no"
        if line.renewal is not None:
            renewed = f"yes, as {current.code}" if line.renewal_code_shown else "yes"
        rows.append((
            line.employee_name, current.holder_name, line.certificate.code,
            current.course_title, LEVEL_LABELS.get(current.level, current.level), line.status,
            current.issued_on.isoformat(), current.expires_on.isoformat(), line.days_left,
            renewed,
        ))
    return to_csv(WATCH_LIST_COLUMNS, rows)


def codes_csv(rows: Iterable[CodeRow]) -> str:
    """The code rows written back as `code,name` CSV, which `parse_codes` reads unchanged."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("code", "name"))
    writer.writerows((row.code, row.name or "") for row in rows)
    return buffer.getvalue()
