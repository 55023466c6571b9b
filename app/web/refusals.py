"""How every page shows a domain refusal: one flash line, the same way everywhere (the
transaction was already rolled back by the use case)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash

from app.services.errors import DomainError
from app.web.language import localized

T = TypeVar("T")


def refusal_text(refusal: DomainError) -> str:
    """A domain refusal as one line, in the page's language: its field messages, else its
    message."""
    if refusal.fields:
        return " ".join(localized(message) for messages in refusal.fields.values()
                        for message in messages)
    return localized(refusal.message)


def flash_refusal(refusal: DomainError) -> int:
    """Flash the refusal for the page about to be shown; answers the HTTP status it maps to."""
    flash(refusal_text(refusal), "error")
    return refusal.status


def flash_outcome(use_case: Callable[[], T], success: str | Callable[[T], str],
                  refusals: tuple[type[DomainError], ...] = (DomainError,)) -> T | None:
    """Run one use case for a page and flash what came of it: the success line, or the
    refusal. Answers the use case's result, or None when it was refused."""
    try:
        result = use_case()
    except refusals as refusal:
        flash_refusal(refusal)
        return None
    flash(success if isinstance(success, str) else success(result), "success")
    return result
