"""The "which class do I need?" finder on `/` and the session page `/sessions/<id>`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from app.models.base import utcnow
from app.services import catalog
from app.services.catalog import finder
from app.services.catalog.standard import STANDARD_COURSES
from app.services.schedule import sessions as scheduling
from tests import factories
from tests.support.pages import elements, visible_text


@pytest.fixture
def schedule(db):
    """One upcoming session of BLS, Heartsaver CPR AED and pediatric first aid CPR."""
    catalog.load_catalog(db.session, STANDARD_COURSES)
    sessions = {}
    for code, where in (("BLS-HCP", "BLS Room"), ("HS-CPR-AED", "Heartsaver Hall"),
                        ("HS-PEDS-FA-CPR", "Kids Corner")):
        sessions[code] = factories.ClassSessionFactory(
            course=catalog.course_by_code(db.session, code), location=where,
            starts_at=utcnow().replace(microsecond=0) + timedelta(days=5))
    return sessions


def test_a_nurse_is_shown_bls_classes_and_why(client, schedule):
    html = client.get("/?who=nurse").get_data(as_text=True)
    assert "BLS is CPR at the healthcare-provider level" in html
    assert "CPR for the Professional Rescuer and Healthcare Providers" in html
    assert "BLS Room" in html
    assert "Heartsaver Hall" not in html and "Kids Corner" not in html


def test_a_teacher_is_shown_pediatric_classes_not_bls_only_lists(client, schedule):
    html = client.get("/?who=teacher").get_data(as_text=True)
    assert "Kids Corner" in html
    assert "Heartsaver Hall" not in html  # adult-only CPR lacks child and infant CPR


def test_a_workplace_responder_is_told_about_first_aid(client, schedule):
    html = client.get("/?who=workplace").get_data(as_text=True)
    assert "first aid" in html.lower()
    assert "Heartsaver Hall" in html


def test_an_employer_card_preset_or_custom_level_selects_courses(client, schedule):
    assert "BLS Room" in client.get("/?who=employer_card&preset=bls").get_data(as_text=True)
    custom = client.get("/?who=employer_card&level=healthcare_provider").get_data(as_text=True)
    assert "BLS Room" in custom and "Kids Corner" not in custom


def test_finder_filters_by_dates_and_guideline(client, schedule):
    far = (utcnow() + timedelta(days=40)).date().isoformat()
    html = client.get(f"/?date_from={far}").get_data(as_text=True)
    assert "BLS Room" not in html and "No classes match" in html
    assert "BLS Room" not in client.get("/?guideline=OSHA").get_data(as_text=True)


def test_bad_finder_input_is_shown_not_a_500(client, schedule):
    for query in ("who=astronaut", "date_from=31-31-2026", "level=expert&topic=x&guideline=y",
                  "preset=%00", "date_to=2026-02-30"):
        response = client.get(f"/?{query}")
        assert response.status_code == 200, query
    assert "BLS Room" in client.get("/?who=astronaut").get_data(as_text=True)


def test_finder_service_lists_only_sessions_of_courses_meeting_the_preset(db, schedule, app):
    answer = finder.find_classes(db.session, utcnow(), app.config["CENTER_TIMEZONE"],
                                 finder.FinderQuery(audience="dentist"))
    assert answer.requirement is not None and answer.requirement.level == "healthcare_provider"
    assert {s.course.code for s in answer.sessions} == {"BLS-HCP"}
    assert all(not c.instructor_course for c in answer.courses)
    everything = finder.find_classes(db.session, utcnow(), app.config["CENTER_TIMEZONE"],
                                     finder.FinderQuery(sessions=scheduling.SessionFilter()))
    assert everything.requirement is None and len(everything.sessions) == 3


def test_session_page_asks_visitors_to_sign_in(client, schedule):
    class_session = schedule["BLS-HCP"]
    anonymous = client.get(f"/sessions/{class_session.id}").get_data(as_text=True)
    assert "BLS Room" in anonymous and "10 of 10" in anonymous
    assert f"/login?next=/sessions/{class_session.id}" in anonymous


def test_session_page_shows_the_enroll_button_to_a_learner(client, login, schedule):
    class_session = schedule["BLS-HCP"]
    login(factories.learner())
    html = client.get(f"/sessions/{class_session.id}").get_data(as_text=True)
    # Enrolling goes through the review step (price, promo code, refund policy) first.
    assert f'href="/sessions/{class_session.id}/review">Review and enroll</a>' in html
    review = client.get(f"/sessions/{class_session.id}/review").get_data(as_text=True)
    assert ">Enroll</button>" in review and "refund" in review
    assert class_session.instructor.full_name in html


def test_session_page_offers_the_waitlist_when_full(client, login):
    class_session = factories.ClassSessionFactory(capacity=1)
    factories.EnrollmentFactory(session=class_session)
    login(factories.learner())
    html = client.get(f"/sessions/{class_session.id}").get_data(as_text=True)
    assert "Join the waitlist" in html


def test_session_page_says_why_enrolling_is_not_possible(client, login):
    login(factories.learner())
    cancelled = factories.ClassSessionFactory(status="cancelled", cancel_reason="Flooded room")
    closed = factories.ClassSessionFactory(enrollment_closes_at=utcnow() - timedelta(hours=1))
    assert "Flooded room" in client.get(f"/sessions/{cancelled.id}").get_data(as_text=True)
    closed_html = client.get(f"/sessions/{closed.id}").get_data(as_text=True)
    assert "Enrollment for this class has closed." in closed_html
    assert "Review and enroll" not in closed_html


def test_unknown_session_page_is_404(client):
    assert client.get("/sessions/999999").status_code == 404
    assert client.get("/sessions/abc").status_code == 404


def answer_courses(html: str) -> list[str]:
    return [e.attrs["href"].removeprefix("#course-") for e in elements(html)
            if e.tag == "a" and e.attrs.get("href", "").startswith("#course-")]


@pytest.mark.parametrize("who", ["teacher", "coach", "workplace"])
def test_the_lay_rescuer_class_with_first_aid_is_recommended_above_bls(client, schedule, who):
    html = client.get(f"/?who={who}").get_data(as_text=True)
    codes = answer_courses(html)
    assert codes[0] in ("HS-PEDS-FA-CPR", "ARC-FA-CPR-AED")
    assert codes.index("HS-PEDS-FA-CPR") < codes.index("BLS-HCP")
    assert "BLS-HCP-R" not in codes  # a renewal, and nobody here holds a card
    rows = [e.text for e in elements(html) if e.tag == "th" and e.attrs.get("scope") == "row"]
    assert rows[0].startswith("AHA Heartsaver Pediatric") and "Best fit" in rows[0]
    assert "Includes first aid" in rows[0] and "Includes first aid" not in rows[-1]
    [ordered] = [e.text for e in elements(html) if e.tag == "ol" and "recommended" in e.classes]
    assert ordered.count("Recommended") == 1
    assert ordered.index("Recommended") < ordered.index("BLS")


def test_renewals_are_offered_only_to_holders_of_a_current_card(client, db, schedule, login):
    renewal = factories.ClassSessionFactory(
        course=catalog.course_by_code(db.session, "BLS-HCP-R"), location="Renewal Room",
        starts_at=utcnow().replace(microsecond=0) + timedelta(days=6))
    assert "Renewal Room" not in client.get("/?who=nurse").get_data(as_text=True)
    newcomer = factories.learner()
    login(newcomer)
    assert "Renewal Room" not in client.get("/?who=nurse").get_data(as_text=True)
    holder = factories.learner()
    factories.CertificateFactory(holder=holder, course=renewal.course,
                                 expires_on=factories.center_today() + timedelta(days=20))
    login(holder)
    html = client.get("/?who=nurse").get_data(as_text=True)
    assert "Renewal Room" in html and "BLS-HCP-R" in answer_courses(html)
    assert answer_courses(html).index("BLS-HCP") < answer_courses(html).index("BLS-HCP-R")


def test_course_names_are_links_and_the_employer_choice_is_offered_once(client, schedule):
    html = client.get("/?who=nurse").get_data(as_text=True)
    for code in answer_courses(html):
        assert f'id="course-{code}"' in html
    assert visible_text(html).count("My employer asked for a specific card") == 1


def test_the_session_page_gives_price_place_policy_calendar_and_a_way_back(client, schedule, app):
    session = schedule["HS-PEDS-FA-CPR"]
    text = visible_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    html = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "← All classes" in text and "$95.00" in text and "Includes first aid" in text
    assert "openstreetmap.org/search?query=Kids%20Corner" in html
    assert f"at least {app.config.get('REFUND_CUTOFF_HOURS', 48)} hours before the start" in text
    assert f'href="/sessions/{session.id}/calendar.ics"' in html
    invite = client.get(f"/sessions/{session.id}/calendar.ics")
    assert invite.status_code == 200 and invite.mimetype == "text/calendar"
    event = Calendar.from_ical(invite.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at and str(event["location"]) == "Kids Corner"
    assert client.get("/sessions/999999/calendar.ics").status_code == 404
