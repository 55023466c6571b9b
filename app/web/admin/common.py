"""Helpers shared by the admin pages: paging and form refusals."""

from __future__ import annotations

from flask import flash, request


def page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdigit() else 1


def flash_form_errors(form) -> None:
    """One flash line per field error, with the field's label."""
    for name, errors in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        for error in errors:
            flash(f"{label}: {error}", "error")
