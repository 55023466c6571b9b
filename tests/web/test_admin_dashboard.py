"""The staff home: what needs doing today, in words; the audit log in pages of plain sentences."""

from __future__ import annotations

from datetime import timedelta

from app.models.base import utcnow
from app.services import audit
from tests import factories
from tests.support.pages import visible_text


def test_the_dashboard_lists_what_needs_doing_today(db, login):
    finished = factories.class_under_way()[0]
    finished.ends_at = utcnow() - timedelta(minutes=5)
    full = factories.ClassSessionFactory(capacity=1, location="Crowded Room")
    factories.EnrollmentFactory(session=full)
    factories.EnrollmentFactory(session=full, status="waitlisted")
    factories.CertificateFactory(expires_on=factories.center_today() + timedelta(days=10))
    db.session.commit()
    text = visible_text(login(factories.admin()).get("/admin/").get_data(as_text=True))
    assert "1 roster to finalise" in text and "1 class with a waitlist" in text
    assert "1 card expiring within 30 days" in text and "0 failed messages" in text
    nearly_full = text[text.index("Classes nearly full"):text.index("Cards expiring soon")]
    assert "Crowded Room" in nearly_full and "1 waiting" in text


def test_events_read_as_sentences_not_codes(db, login):
    admin = factories.admin(full_name="Alex Morgan")
    class_session = factories.ClassSessionFactory()
    audit.record(db.session, admin, "roster_finalised", "class_session", class_session.id)
    db.session.commit()
    client = login(admin)
    home = visible_text(client.get("/admin/").get_data(as_text=True))
    assert f"Alex Morgan finalised a roster · class {class_session.id}" in home
    assert "roster_finalised class_session" not in home
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "finalised a roster" in visible_text(log)
    for _ in range(30):
        audit.record(db.session, admin, "course.updated", "course", 1)
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count('data-label="Time"') == 25 and "Older →" in first
