"""Public pages: the catalog and class finder."""

from flask import Blueprint, current_app, render_template

from app.extensions import db
from app.models.base import utcnow
from app.services import catalog, scheduling

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """The catalog and the upcoming classes."""
    courses = catalog.list_courses(db.session)
    upcoming, _ = scheduling.list_upcoming(
        db.session, utcnow(), scheduling.SessionFilter(), current_app.config["CENTER_TIMEZONE"],
        per_page=50,
    )
    lengths = scheduling.waitlist_lengths(db.session, [s.id for s in upcoming])
    return render_template("public/index.html", courses=courses, upcoming=upcoming,
                           waitlist_lengths=lengths)
