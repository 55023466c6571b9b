"""Lost card (API-2.md §4): the page and POST /certificates/lookup answer the same whatever was
found, mail only the address on record, match names ignoring case and spaces, and are rate
limited per client address and per target e-mail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services import verification
from app.services.notifications import mail
from tests import factories


def lookups() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.kind == "card_lookup")))


@pytest.fixture
def holder(app):
    ann = factories.learner(full_name="Ann Lee", email="ann@example.test")
    factories.CertificateFactory(holder=ann, course__title="BLS Provider")
    return ann


@pytest.mark.parametrize("name, email", [
    ("Ann Lee", "nobody@example.test"),  # unknown address
    ("Bob Stone", "ann@example.test"),  # a name that is not hers
    ("Ann Lee", "not an address"),
])
def test_the_api_answers_the_same_when_nothing_matches_and_mails_nobody(client, holder, name,
                                                                       email):
    answer = client.post("/api/v1/certificates/lookup", json={"name": name, "email": email})
    assert (answer.status_code, answer.get_json()) == (202, {"status": "sent_if_found"})
    assert lookups() == []


def test_a_match_ignoring_case_and_spaces_mails_the_address_on_record(client, app, holder):
    answer = client.post("/api/v1/certificates/lookup",
                         json={"name": "  ann   LEE ", "email": "ANN@example.test"})
    assert (answer.status_code, answer.get_json()) == (202, {"status": "sent_if_found"})
    [notification] = lookups()
    assert (notification.recipient_id, notification.recipient_email) == (holder.id,
                                                                         "ann@example.test")
    message = mail.compose(db.session, notification, app.config, app.jinja_env)
    code = notification.context["certificates"][0]["code"]
    text = message.get_body(("plain",)).get_content()
    assert f"http://lifeline.test/verify/{code}" in text and "BLS Provider" in text
    assert [part.get_filename() for part in message.iter_attachments()] == [
        f"wallet-card-{code}.pdf"]


def test_the_page_says_the_same_whatever_was_found(client, holder):
    found = client.post("/cards/lookup", data={"name": "Ann Lee", "email": "ann@example.test"},
                        follow_redirects=True).get_data(as_text=True)
    missing = client.post("/cards/lookup", data={"name": "Ann Lee", "email": "x@example.test"},
                          follow_redirects=True).get_data(as_text=True)
    assert "If we hold certificates for that name" in found
    assert found.replace("ann@example.test", "") == missing.replace("x@example.test", "")
    assert len(lookups()) == 1
    assert client.get("/cards/lookup").status_code == 200


def test_a_holder_without_certificates_is_mailed_nothing(app):
    factories.learner(full_name="Cal Doe", email="cal@example.test")
    verification.request_card_lookup(db.session, "Cal Doe", "cal@example.test",
                                     utcnow(), factories.center_today())
    assert lookups() == []


def test_lookups_are_limited_per_target_email_and_per_address(rate_limited):
    app = rate_limited(RATELIMIT_CARD_LOOKUP="2 per hour", RATELIMIT_PUBLIC="5 per minute")
    client = app.test_client()
    with factories.within(app):
        body = {"name": "Ann Lee", "email": "ann@example.test"}
        answers = [client.post("/api/v1/certificates/lookup", json=body).status_code
                   for _ in range(3)]
        assert answers == [202, 202, 429]
        others = [client.post("/api/v1/certificates/lookup",
                              json={"name": "X", "email": f"x{n}@example.test"}).status_code
                  for n in range(3)]
        assert others == [202, 202, 429]  # five look-ups from this address in a minute
