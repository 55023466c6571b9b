"""The instructor's subscribable calendar (.ics) of their classes, behind a signed URL: a
calendar app fetches it without signing in, so the URL itself is the credential."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.services.enrollment import calendar_invites
from app.services.errors import NotFound

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/instructors/<feed_token>.ics")
def instructor_feed(feed_token: str):
    instructor_id = calendar_invites.read_feed_token(feed_token, current_app.config["SECRET_KEY"])
    feed = None if instructor_id is None else calendar_invites.instructor_feed(
        db.session, instructor_id, current_app.config, utcnow())
    if feed is None:
        raise NotFound(_("No calendar has this address."))
    return Response(feed, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="classes.ics"'})


@bp.app_context_processor
def feed_address() -> dict:
    """`instructor_feed_url()` for the instructor's pages (templates/instructor/_calendar_feed)."""

    def instructor_feed_url() -> str:
        token = calendar_invites.feed_token(current_user.id, current_app.config["SECRET_KEY"])
        return url_for("calendar.instructor_feed", feed_token=token, _external=True)

    return {"instructor_feed_url": instructor_feed_url}
