"""/cards/lookup: "I lost my card" — the holder's certificates are mailed to their address on
record; the page says the same whatever was found."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.center import center_today
from app.extensions import db
from app.forms.lost_card import LostCardForm
from app.models.base import utcnow
from app.security import card_lookup_limit
from app.services import verification
from app.web.language import current_language

bp = Blueprint("lost_card", __name__)


@bp.route("/cards/lookup", methods=["GET", "POST"])
@card_lookup_limit
def lookup():
    form = LostCardForm()
    if not form.validate_on_submit():
        return render_template("cards/lookup.html", form=form), 422 if form.is_submitted() else 200
    verification.request_card_lookup(db.session, form.name.data, form.email.data, utcnow(),
                                     center_today(), language=current_language())
    flash(_("If we hold certificates for that name and e-mail address, we have e-mailed "
            "them to that address, with their verification links and wallet cards."), "success")
    return redirect(url_for("lost_card.lookup"))
