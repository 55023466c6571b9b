"""The confirmation step before an irreversible action (docs/design.md): a page stating the
consequence, whose form posts the same fields again with `confirmed` set. No JavaScript needed."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from app.web.templating import money


def confirmed() -> bool:
    """Whether this post came from the confirmation page."""
    return request.form.get("confirmed") == "1"


def ask_to_confirm(title: str, consequences: list[str], confirm_label: str, back: str,
                   back_label: str | None = None, undo: str | None = None):
    """The confirmation page for the form just posted: its fields kept, posted to the same URL.
    `undo` says how the step can be reversed, for the few that can (else: it cannot)."""
    hidden = [(key, value) for key, value in request.form.items(multi=True)
              if key not in ("csrf_token", "confirmed")] + [("confirmed", "1")]
    return render_template("confirm.html", title=title, consequences=consequences, hidden=hidden,
                           action=request.path, confirm_label=confirm_label, back=back,
                           back_label=back_label or _("Go back (nothing is changed)"),
                           undo=undo)


def amount_text(cents: int, currency: str) -> str:
    """An amount as the staff pages write it ("$85.00 USD"), for a consequence."""
    return f"{money(cents)} {currency.upper()}"
