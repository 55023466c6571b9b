"""Log lines: one JSON object a line (LOG_FORMAT=json, production's default) or plain text.

Whatever a line comes from, it carries the context of the work in hand: the request id during
a web request, the task's name and id during a Celery task (`bind` sets them, a filter on the
handler copies them onto every record). Lines name routes, ids and outcomes — never a request
body, a password, a token, a list of codes or an e-mail's text.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import IO

from pythonjsonlogger.json import JsonFormatter

LOG_FORMATS = ("json", "text")
_CONTEXT: ContextVar[Mapping[str, object]] = ContextVar(
    "lifeline_log_context", default=MappingProxyType({}))
_OURS = "lifeline_handler"


def bind(**fields: object) -> object:
    """Add fields to every later log line of this context; give the result to `unbind`.

    The hooks that open and close the work (a request's before and teardown, a task's prerun
    and postrun) are two calls, so a `with` block cannot span them."""
    return _CONTEXT.set({**_CONTEXT.get(), **fields})


def unbind(token: object) -> None:
    """Drop the fields `bind` added."""
    _CONTEXT.reset(token)  # type: ignore[arg-type]


class ContextFilter(logging.Filter):
    """Copy the bound context onto each record (a field the record already has wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _CONTEXT.get().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class TextFormatter(logging.Formatter):
    """`time level logger: message [request_id=…]` — for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(f"{name}={getattr(record, name)}" for name in _CONTEXT.get()
                          if getattr(record, name, None) is not None)
        return f"{line} [{fields}]" if fields else line


def json_formatter() -> JsonFormatter:
    """Time (ISO 8601, UTC), level, logger and message, then every extra field of the record."""
    return JsonFormatter("{levelname}{name}{message}", style="{", timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger"})


def formatter(log_format: str) -> logging.Formatter:
    """The formatter LOG_FORMAT names; a name other than json or text refuses to start."""
    if log_format not in LOG_FORMATS:
        raise SystemExit(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return json_formatter() if log_format == "json" else TextFormatter()


def style(handler: logging.Handler, log_format: str) -> None:
    """Make a handler (ours, or one Celery set up) write in LOG_FORMAT with the context."""
    handler.setFormatter(formatter(log_format))
    if not any(isinstance(existing, ContextFilter) for existing in handler.filters):
        handler.addFilter(ContextFilter())


class _CurrentStandardError(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test's capture, a redirect)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> IO[str]:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


def configure(log_format: str, *, stream: IO[str] | None = None,
              level: int = logging.INFO) -> logging.Handler:
    """Send every record to one handler of ours on the root logger (replacing an earlier one
    of ours, so building the app twice never doubles the lines); standard error by default."""
    handler = logging.StreamHandler(stream) if stream is not None else _CurrentStandardError()
    style(handler, log_format)
    setattr(handler, _OURS, True)
    root = logging.getLogger()
    for earlier in [existing for existing in root.handlers if getattr(existing, _OURS, False)]:
        root.removeHandler(earlier)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
