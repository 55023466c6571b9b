"""The staff home page: what needs attention, and where everything is."""

from flask import render_template
from flask_login import current_user

from app.access import roles_required
from app.center import center_zone
from app.extensions import db
from app.services import audit as audit_log
from app.services import notifications, orders
from app.web.admin import bp


@bp.get("/")
@roles_required("admin")
def index():
    counts = notifications.status_counts(db.session)
    recent, _ = audit_log.search_events(db.session, audit_log.AuditFilter(), center_zone())
    return render_template("admin/index.html", outbox_counts=counts, recent=recent[:10],
                           open_requests=orders.requests_of(db.session, current_user,
                                                            open_only=True))
