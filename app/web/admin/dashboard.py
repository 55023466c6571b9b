"""The staff home page: what needs doing today, and the latest changes in plain words."""

from flask import render_template
from flask_login import current_user

from app.access import roles_required
from app.center import center_today, center_zone
from app.extensions import db
from app.models.base import utcnow
from app.services import audit as audit_log
from app.services import orders
from app.services.records import dashboard
from app.web.admin import bp


@bp.get("/")
@roles_required("admin")
def index():
    zone = center_zone()
    today = dashboard.staff_today(db.session, utcnow(), center_today(), zone)
    recent, _ = audit_log.search_events(db.session, audit_log.AuditFilter(), zone)
    return render_template("admin/index.html", today=today, recent=recent[:10],
                           expiring_days=dashboard.EXPIRING_DAYS,
                           open_requests=orders.requests_of(db.session, current_user,
                                                            open_only=True))
