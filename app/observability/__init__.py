"""Observability: Prometheus metrics at /metrics, structured log lines, request ids.

`metrics` (what /metrics answers, and the hooks gunicorn's config calls), `figures` (the
numbers read from the database at each scrape), `logs` (JSON or text lines with the request or
task context), `request_log` (the request id and one line per request).
"""

from __future__ import annotations

from flask import Flask

from app.observability import logs, metrics, request_log


def register_observability(app: Flask) -> None:
    """Log in LOG_FORMAT (not under test, where pytest captures the logs), give each request an
    id and a log line, and answer GET /metrics for METRICS_ALLOW."""
    logs.formatter(app.config["LOG_FORMAT"])  # a bad LOG_FORMAT refuses to start, tests too
    if not app.testing:
        logs.configure(app.config["LOG_FORMAT"])
    request_log.log_requests(app)
    metrics.serve_metrics(app)
