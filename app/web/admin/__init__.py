"""Pages for training-center staff under /admin: catalog, schedule, users and authorisations,
certificate records, the audit log and the outbox. Every view is gated by roles_required("admin")."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.web.admin import (  # noqa: E402,F401  (view modules register on bp)
    audit,
    catalog,
    certificates,
    dashboard,
    keycodes,
    orders,
    outbox,
    payments,
    schedule,
    transfers,
    users,
)
