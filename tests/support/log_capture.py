"""The app's log output as production writes it: JSON lines through the app's own handler."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from app.observability import logs


class CapturedLines:
    def __init__(self, buffer: io.StringIO):
        self.buffer = buffer

    def text(self) -> str:
        return self.buffer.getvalue()

    def records(self) -> list[dict]:
        """Every line, each parsed as one JSON object (a line that is not one fails the test)."""
        return [json.loads(line) for line in self.text().splitlines()]

    def of(self, logger: str) -> list[dict]:
        return [record for record in self.records() if record["logger"] == logger]


@contextmanager
def json_log_lines(level: int = logging.DEBUG) -> Iterator[CapturedLines]:
    """Install the app's JSON handler on the root logger (as create_app does outside tests)
    writing into a buffer, for the block; then remove it and restore the root level."""
    root = logging.getLogger()
    saved_level = root.level
    buffer = io.StringIO()
    handler = logs.configure("json", stream=buffer, level=level)
    try:
        yield CapturedLines(buffer)
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
