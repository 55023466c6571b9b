"""GET /metrics: request counts and latencies by URL rule, the database figures, and who may
read them (METRICS_ALLOW, the client address as the app sees it behind TRUSTED_PROXIES)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from app.extensions import db as _db
from app.models import Enrollment, Notification, Payment
from app.models.base import utcnow
from app.observability.figures import FIGURES, DatabaseFigures, Figure
from app.services import enrollment
from tests import factories

REQUESTS = "lifeline_http_requests_total"
DURATIONS = "lifeline_http_request_duration_seconds_count"


def scrape(client, address: str = "127.0.0.1", **headers) -> dict:
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address}, headers=headers)
    assert response.status_code == 200, response.status_code
    return samples(response.get_data(as_text=True))


def samples(text: str) -> dict:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(scraped: dict, name: str, **labels) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_url_rule_method_and_status_never_by_path(client, db):
    cards = [factories.CertificateFactory() for _ in range(2)]
    before = scrape(client)
    for card in cards:
        assert client.get(f"/verify/{card.code}").status_code == 200
    assert client.get("/no/such/page/4711").status_code == 404
    after = scrape(client)

    page = {"method": "GET", "route": "/verify/<code>", "status": "200"}
    assert value(after, REQUESTS, **page) - value(before, REQUESTS, **page) == 2
    assert value(after, DURATIONS, **page) - value(before, DURATIONS, **page) == 2
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert value(after, REQUESTS, **unmatched) - value(before, REQUESTS, **unmatched) == 1
    routes = {dict(labels).get("route") for name, labels in after if name == REQUESTS}
    assert not any(card.code in str(routes) for card in cards) and "/no/such/page/4711" not in routes


def test_an_api_rule_keeps_its_converters_and_odd_methods_are_other(client, db):
    before = scrape(client)
    assert client.get("/api/v1/sessions/123456/roster").status_code == 401
    assert client.open("/api/v1/courses", method="BREW").status_code == 405
    after = scrape(client)
    roster = {"method": "GET", "route": "/api/v1/sessions/<int:class_id>/roster", "status": "401"}
    assert value(after, REQUESTS, **roster) - value(before, REQUESTS, **roster) == 1
    # No rule answers BREW: the request counts as unmatched, its method as "other".
    odd = {"method": "other", "route": "<unmatched>", "status": "405"}
    assert value(after, REQUESTS, **odd) - value(before, REQUESTS, **odd) == 1


def test_scrapes_are_not_counted_and_set_no_cookie(client, db):
    first = client.get("/metrics")
    second = scrape(client)
    assert samples(first.get_data(as_text=True)).keys() <= second.keys()
    assert all(dict(labels).get("route") != "/metrics" for _, labels in second)
    assert value(second, REQUESTS, method="GET", route="<unmatched>", status="200") == 0
    assert "Set-Cookie" not in first.headers and first.headers["Cache-Control"] == "no-store"
    assert first.mimetype == "text/plain"


def _notification(status: str, age: timedelta, **fields) -> Notification:
    learner = factories.learner()
    row = Notification(kind=fields.pop("kind", "enrollment_confirmed"), recipient=learner,
                       recipient_email=learner.email, status=status, created_at=utcnow() - age,
                       **fields)
    _db.session.add(row)
    _db.session.commit()
    return row


def test_outbox_rows_by_status_and_the_age_of_the_oldest_pending_one(client, db):
    assert value(scrape(client), "lifeline_outbox_oldest_pending_age_seconds") == 0
    _notification("pending", timedelta(hours=2))
    _notification("pending", timedelta(minutes=5))
    _notification("sent", timedelta(days=3))  # older, but settled: not what is waiting
    _notification("failed", timedelta(hours=1))
    scraped = scrape(client)
    for status, count in {"pending": 2, "sent": 1, "failed": 1, "sending": 0, "skipped": 0}.items():
        assert value(scraped, "lifeline_outbox_notifications", status=status) == count
    age = value(scraped, "lifeline_outbox_oldest_pending_age_seconds")
    assert 7200 <= age < 7200 + 60


def test_reminders_per_window_enrollments_promotions_and_look_ups(client, db):
    for window, status in ((90, "sent"), (90, "pending"), (30, "pending")):
        card = factories.CertificateFactory()
        _notification(status, timedelta(0), kind="renewal_reminder", certificate_id=card.id,
                      reminder_window=window)
    full_class = factories.ClassSessionFactory(capacity=1)
    seated = factories.EnrollmentFactory(session=full_class)
    factories.EnrollmentFactory(session=full_class, status="waitlisted")
    enrollment.cancel_enrollment(_db.session, seated.learner, seated.id, utcnow())  # promotes
    card = factories.CertificateFactory()
    client.get(f"/verify/{card.code}")
    client.get("/verify/0000-0000-0000-0000")
    scraped = scrape(client)

    assert value(scraped, "lifeline_renewal_reminders", window="90", status="sent") == 1
    assert value(scraped, "lifeline_renewal_reminders", window="90", status="pending") == 1
    assert value(scraped, "lifeline_renewal_reminders", window="30", status="pending") == 1
    counts = {status: _db.session.scalar(sa.select(sa.func.count()).where(Enrollment.status == status))
              for status in ("enrolled", "cancelled", "waitlisted")}
    assert counts == {"enrolled": 1, "cancelled": 1, "waitlisted": 0}
    for status, count in counts.items():
        assert value(scraped, "lifeline_enrollments", status=status) == count
    assert value(scraped, "lifeline_waitlist_promotions_total") == 1
    assert value(scraped, "lifeline_verification_lookups_last_day", outcome="valid",
                 channel="qr") == 1
    assert value(scraped, "lifeline_verification_lookups_last_day", outcome="not_found",
                 channel="qr") == 1
    assert value(scraped, "lifeline_metrics_database_up") == 1


def test_payments_by_status_and_their_amounts(client, db):
    for status, cents in (("paid", 6500), ("paid", 4000), ("refunded", 6500)):
        enrolled = factories.EnrollmentFactory()
        _db.session.add(Payment(enrollment_id=enrolled.id, provider="manual", status=status,
                                amount_cents=cents, currency="usd"))
    _db.session.commit()
    scraped = scrape(client)

    assert value(scraped, "lifeline_payments", status="paid") == 2
    assert value(scraped, "lifeline_payments", status="refunded") == 1
    assert value(scraped, "lifeline_payments", status="pending") == 0
    assert value(scraped, "lifeline_payments_amount_cents", status="paid") == 10500
    assert value(scraped, "lifeline_payments_amount_cents", status="waived") == 0


def _statements_of_a_scrape(client) -> int:
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    sa.event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        scrape(client)
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_a_scrape_is_one_query_per_figure_however_many_rows(client, db):
    _notification("pending", timedelta(minutes=1))
    one = _statements_of_a_scrape(client)
    for _ in range(20):
        _notification("pending", timedelta(minutes=1))
        factories.EnrollmentFactory()
    assert _statements_of_a_scrape(client) == one == len(FIGURES)


def test_a_database_that_cannot_answer_says_so_in_the_figures(db):
    broken = Figure("lifeline_broken", "Reads a table that is not there.", (),
                    lambda now: sa.select(sa.text("1")).select_from(sa.text("no_such_table")))
    families = list(DatabaseFigures(_db.session, utcnow(), figures=(broken,)).collect())
    assert [(family.name, family.samples[0].value) for family in families] == [
        ("lifeline_metrics_database_up", 0.0)]


@pytest.mark.parametrize("address", ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1"])
def test_loopback_may_read_the_metrics_by_default(client, db, address):
    scrape(client, address)


@pytest.mark.parametrize("address", ["203.0.113.7", "10.0.0.2", "2001:db8::1", "not-an-address"])
def test_other_addresses_get_the_ordinary_not_found_answer(client, db, address):
    refused = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    unknown = client.get("/no-such-page", environ_base={"REMOTE_ADDR": address})
    assert refused.status_code == unknown.status_code == 404
    assert "lifeline_" not in refused.get_data(as_text=True)
    # The same page, but for its address (the language switcher links to this page).
    assert refused.get_data() == unknown.get_data().replace(b"/no-such-page", b"/metrics")


def test_metrics_allow_names_networks_and_can_refuse_everyone(app_factory):
    network = app_factory(METRICS_ALLOW="10.1.0.0/16, 192.0.2.10").test_client()
    assert network.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.200.3"}).status_code == 200
    assert network.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 200
    assert network.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404
    nobody = app_factory(METRICS_ALLOW="").test_client()
    assert nobody.get("/metrics").status_code == 404
    with pytest.raises(SystemExit, match="METRICS_ALLOW: '10.0.0.0/33'"):
        app_factory(METRICS_ALLOW="127.0.0.1,10.0.0.0/33")


def test_behind_a_trusted_proxy_the_forwarded_client_decides(app_factory):
    proxied = app_factory(TRUSTED_PROXIES=1).test_client()
    # nginx on this host connects from loopback: the client it forwards for is who asks.
    outsider = proxied.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                           headers={"X-Forwarded-For": "203.0.113.9"})
    assert outsider.status_code == 404
    local = proxied.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.2"},
                        headers={"X-Forwarded-For": "127.0.0.1"})
    assert local.status_code == 200


def test_without_trusted_proxies_a_forwarded_header_cannot_claim_loopback(client, db):
    claimed = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                         headers={"X-Forwarded-For": "127.0.0.1"})
    assert claimed.status_code == 404
