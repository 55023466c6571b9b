"""The JSON API under /api/v1. One module per area; each route documents itself for OpenAPI."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import (  # noqa: E402,F401  (route modules register on bp)
    account,
    auth_routes,
    blended,
    catalog,
    certificates,
    credentials,
    enrollments,
    lost_cards,
    meta,
    orders,
    payments,
    requirements,
    roster,
    sessions,
    verifications,
)
