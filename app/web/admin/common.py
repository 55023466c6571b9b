"""Helpers shared by the admin pages: paging and form refusals."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _


def page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdigit() else 1


def other_arguments() -> dict:
    """The query's arguments except the page, for the links to the next and previous pages."""
    return {name: value for name, value in request.args.items() if name != "page"}


def flash_form_errors(form) -> None:
    """One flash line per field error, with the field's label."""
    for name, errors in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        for error in errors:
            flash(_("%(label)s: %(error)s", label=label, error=error), "error")


def submitted(form) -> bool:
    """Whether a posted form is valid; when it is not, each of its errors is flashed."""
    if form.validate_on_submit():
        return True
    flash_form_errors(form)
    return False
