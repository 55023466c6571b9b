"""Health and the OpenAPI document."""

from flask import current_app, jsonify
from sqlalchemy import text

from app.api import bp
from app.api.docs import documented
from app.api.openapi import build_document
from app.extensions import db
from app.services.notifications import broker_health


@bp.get("/health")
@documented("Health of the app, its database and its broker", response={"type": "object"})
def health():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        database = "unavailable"
    broker = broker_health.status(current_app.config)
    status = "ok" if database == "ok" and broker != "unavailable" else "degraded"
    return jsonify(status=status, database=database, broker=broker), 200 if database == "ok" else 503


@bp.get("/openapi.json")
@documented("This API's OpenAPI 3.1 document", response={"type": "object"})
def openapi_document():
    return jsonify(build_document(current_app))
