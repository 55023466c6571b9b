"""The public catalog page `/`: courses and upcoming classes, straight from the database."""

from __future__ import annotations

from datetime import timedelta

from app import demo
from app.models.base import utcnow
from app.services import catalog
from app.services.catalog.standard import STANDARD_COURSES
from tests import factories


def test_home_page_lists_active_courses_and_upcoming_classes(client, db):
    course = factories.CourseFactory(title="Harbor Lifeguard CPR", level="healthcare_provider")
    factories.CourseFactory(title="Retired Course Of Old", active=False)
    factories.ClassSessionFactory(course=course, location="Pier Room, 7 Dock Rd",
                                  starts_at=utcnow() + timedelta(days=3))
    page = client.get("/")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Harbor Lifeguard CPR" in html
    assert "Pier Room, 7 Dock Rd" in html
    assert "Retired Course Of Old" not in html


def test_home_page_leaves_out_past_and_cancelled_classes(client, db):
    course = factories.CourseFactory(title="Heartsaver Test Course")
    factories.ClassSessionFactory(course=course, location="Yesterday Hall",
                                  starts_at=utcnow() - timedelta(days=1))
    factories.ClassSessionFactory(course=course, location="Cancelled Annex",
                                  starts_at=utcnow() + timedelta(days=2), status="cancelled")
    factories.ClassSessionFactory(course=course, location="Tomorrow Room",
                                  starts_at=utcnow() + timedelta(days=1))
    html = client.get("/").get_data(as_text=True)
    assert "Tomorrow Room" in html
    assert "Yesterday Hall" not in html
    assert "Cancelled Annex" not in html


def test_home_page_shows_the_demo_catalog_and_its_upcoming_sessions(client, db, app):
    catalog.load_catalog(db.session, STANDARD_COURSES)
    demo.seed(db.session, utcnow(), app.config["CENTER_NAME"], app.config["CENTER_TIMEZONE"])
    html = client.get("/").get_data(as_text=True)
    for title in ("AHA BLS for Healthcare Providers", "AHA Heartsaver CPR AED (adult)",
                  "Bloodborne Pathogens (OSHA 29 CFR 1910.1030)"):
        assert title in html
    assert "Training Room A, 120 Harbor St" in html
    assert "Healthcare Provider (BLS)" in html and "Lay Rescuer" in html


def test_home_page_with_an_empty_catalog_still_answers(client, db):
    page = client.get("/")
    assert page.status_code == 200
    assert "<h1" in page.get_data(as_text=True)
