"""Reading a certificate CSV file (API.md columns) into numbered records; no database."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from app.services.records.csv_cells import restored

COLUMNS = ("code", "holder_name", "holder_email", "course_code", "issued_on", "expires_on",
           "instructor_name", "external_issuer", "external_id", "status", "revoked_reason")
REQUIRED_COLUMNS = ("code", "holder_name", "holder_email", "course_code", "issued_on")


@dataclass(frozen=True)
class RowError:
    """A problem with one line of the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Record:
    """One data line of the file as read: its line number and its fields by column."""

    line: int
    fields: dict[str, str]


def read_records(lines: Iterable[str]) -> tuple[list[Record], list[RowError]]:
    """Split CSV text into records; a bad header or a line with the wrong field count is an error."""
    reader = csv.reader(lines)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return [], [RowError(1, "the file is empty; expected a header row")]
    except csv.Error as error:
        return [], [RowError(1, f"unreadable CSV: {error}")]
    errors = [RowError(1, f"unknown column {name!r}") for name in header if name not in COLUMNS]
    errors += [RowError(1, f"missing column {name!r}") for name in REQUIRED_COLUMNS if name not in header]
    if errors:
        return [], errors
    records: list[Record] = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"unreadable CSV: {error}"))
            break
        if not values or values == [""]:
            continue
        if len(values) != len(header):
            errors.append(RowError(line, f"expected {len(header)} fields, found {len(values)}"))
            continue
        fields = dict.fromkeys(COLUMNS, "")
        fields.update(zip(header, (restored(value.strip()) for value in values), strict=True))
        records.append(Record(line, fields))
    return records, errors
