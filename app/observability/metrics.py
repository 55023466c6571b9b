"""Prometheus metrics at `GET /metrics` (API-2 §7), for the addresses METRICS_ALLOW names.

The metrics (what dashboards, alerts and docs/deploy.md refer to):

| name | type | labels | what |
|---|---|---|---|
| `lifeline_http_requests_total` | counter | method, route, status | requests answered |
| `lifeline_http_request_duration_seconds` | histogram | method, route, status | time to answer |
| `lifeline_outbox_notifications` | gauge | status | outbox rows by status |
| `lifeline_outbox_oldest_pending_age_seconds` | gauge | | age of the oldest pending row (0: none) |
| `lifeline_renewal_reminders` | gauge | window, status | renewal reminders queued per window |
| `lifeline_enrollments` | gauge | status | enrollments by status |
| `lifeline_waitlist_promotions_total` | counter | | learners promoted from a waitlist, ever |
| `lifeline_verification_lookups_last_day` | gauge | outcome, channel | look-ups in the last 24 hours |
| `lifeline_metrics_database_up` | gauge | | 1 when the figures above could be read |

`route` is the URL rule (`/verify/<code>`, `/api/v1/sessions/<int:class_id>`), never the path
with its ids or codes; a request no rule matched is `<unmatched>`. Requests to /metrics itself
are not counted (it is answered before the app sees it). The request metrics are counted in
each process; the database figures (figures.py) are read at each scrape, so they are the same
on every node.

Under gunicorn, set PROMETHEUS_MULTIPROC_DIR (an empty folder, before the server starts) so
every worker's counts add up in one answer; gunicorn's `child_exit` hook then calls
`mark_worker_dead(worker.pid)`, and its `on_starting` may call `clear_multiprocess_dir()`.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from flask import Flask
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    make_wsgi_app,
    multiprocess,
)

from app.extensions import db
from app.models.base import utcnow
from app.observability.figures import DatabaseFigures

METRICS_PATH = "/metrics"
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "<unmatched>"
# Any other method is counted as "other", so odd requests cannot grow the label set.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# A `_created` timestamp beside every series doubles the answer and no dashboard reads it.
disable_created_metrics()
REQUESTS = Counter("lifeline_http_requests", "HTTP requests answered, by URL rule and status.",
                   ("method", "route", "status"))
DURATION = Histogram("lifeline_http_request_duration_seconds",
                     "Time to answer an HTTP request, by URL rule and status.",
                     ("method", "route", "status"))

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    labels = (method if method in METHODS else "other", route, str(status))
    REQUESTS.labels(*labels).inc()
    DURATION.labels(*labels).observe(seconds)


def parse_allow(raw: str) -> tuple[Network, ...]:
    """METRICS_ALLOW ("127.0.0.1/8,::1,10.0.0.5") as networks; a bad entry refuses to start."""
    networks = []
    for part in (piece.strip() for piece in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise SystemExit(f"METRICS_ALLOW: {part!r} is not an address or network") from None
    return tuple(networks)


def allowed(address: str | None, networks: tuple[Network, ...]) -> bool:
    """Whether a client address is in one of the networks (an IPv4-mapped IPv6 address counts
    as its IPv4 address, as in app/client_address.py)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


class _ThisProcess:
    """The default registry (this process's counts), as one collector of a scrape's registry."""

    def collect(self):
        return REGISTRY.collect()


def scrape_registry(figures: DatabaseFigures) -> CollectorRegistry:
    """What one scrape answers: every worker's counts (multiprocess mode) or this process's,
    then the database figures."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(figures)
    return registry


class MetricsEndpoint:
    """WSGI middleware answering GET /metrics to allowed clients before the app runs, so no
    session, cookie, rate limit, HTTPS redirect or request count touches a scrape. Anything
    else — another path, or /metrics from a refused address — goes on to the app, which has no
    such route: a refused client gets the app's ordinary 404 (not a 403), indistinguishable from
    a page that does not exist."""

    def __init__(self, flask_app: Flask, wsgi_app, networks: tuple[Network, ...]):
        self.flask_app = flask_app
        self.wsgi_app = wsgi_app
        self.networks = networks

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != METRICS_PATH or not allowed(environ.get("REMOTE_ADDR"),
                                                                  self.networks):
            return self.wsgi_app(environ, start_response)

        def start_uncached(status, headers, exc_info=None):
            return start_response(status, [*headers, ("Cache-Control", "no-store")], exc_info)

        with self.flask_app.app_context():
            figures = DatabaseFigures(db.session, utcnow())
            return make_wsgi_app(scrape_registry(figures))(environ, start_uncached)


def serve_metrics(app: Flask) -> None:
    """Answer GET /metrics for METRICS_ALLOW. Installed inside ProxyFix (app/client_address.py),
    so REMOTE_ADDR is the client address every rate limit counts by, behind TRUSTED_PROXIES."""
    app.wsgi_app = MetricsEndpoint(app, app.wsgi_app, parse_allow(app.config["METRICS_ALLOW"]))


def mark_worker_dead(pid: int) -> None:
    """Forget a dead gunicorn worker's live gauges (its counts stay in the totals): call it
    from gunicorn's `child_exit(server, worker)` hook as `mark_worker_dead(worker.pid)`."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        multiprocess.mark_process_dead(pid)


def clear_multiprocess_dir() -> None:
    """Empty PROMETHEUS_MULTIPROC_DIR before the server starts (gunicorn's `on_starting`):
    counts left by an earlier run must not add to this one's."""
    folder = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for leftover in Path(folder).glob("*.db"):
            leftover.unlink()
