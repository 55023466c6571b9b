"""How every page shows a domain refusal: one flash line, the same way everywhere (the
transaction was already rolled back by the use case)."""

from __future__ import annotations

from flask import flash

from app.services.errors import DomainError


def refusal_text(refusal: DomainError) -> str:
    """A domain refusal as one line: its field messages, else its message."""
    if refusal.fields:
        return " ".join(message for messages in refusal.fields.values() for message in messages)
    return refusal.message


def flash_refusal(refusal: DomainError) -> int:
    """Flash the refusal for the page about to be shown; answers the HTTP status it maps to."""
    flash(refusal_text(refusal), "error")
    return refusal.status
