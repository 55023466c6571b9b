"""Staff pages name a course family by its initial course's title, never by its code
(issue #16): the user page's authorisations, the saved-authorisation flash, the removal
confirmation, the scheduling refusal and the schedule's flags."""

from __future__ import annotations

import re
from datetime import timedelta

from app.center import to_local
from app.models import InstructorAuthorisation
from app.models.base import utcnow
from app.services.schedule import authorisations
from tests import factories

FAMILY = "pediatric_first_aid_cpr"
TITLE = "AHA Heartsaver Pediatric First Aid CPR AED"


def pediatric_courses():
    """The family's initial course and its renewal (whose title is not the family's name)."""
    factories.CourseFactory(family=FAMILY, title="Pediatric First Aid CPR AED Renewal", renewal=True)
    return factories.CourseFactory(family=FAMILY, title=TITLE)


def shown_text(response) -> str:
    """The page without its form values (a choice still posts the family's code)."""
    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def test_the_user_page_lists_and_offers_families_by_course_title(db, login):
    pediatric_courses()
    factories.CourseFactory(family="first_aid", title="Adult First Aid")
    instructor = factories.authorised_instructor(FAMILY)
    page = login(factories.admin()).get(f"/admin/users/{instructor.id}")
    text = shown_text(page)
    assert f"<td data-label=\"Family\">{TITLE}</td>" in text
    assert f'aria-label="Remove {TITLE}"' in text
    assert f">{TITLE}</option>" in text and ">Adult First Aid</option>" in text
    assert FAMILY not in text and "first_aid" not in text


def test_saving_an_authorisation_flashes_the_course_title(db, login):
    pediatric_courses()
    instructor = factories.instructor()
    until = factories.center_today() + timedelta(days=300)
    page = login(factories.admin()).post(
        f"/admin/users/{instructor.id}/authorisations",
        data={"family": FAMILY, "expires_on": until.isoformat()}, follow_redirects=True)
    assert f"Authorised for {TITLE} until" in page.get_data(as_text=True)
    assert FAMILY not in shown_text(page)


def test_the_removal_confirmation_names_the_course_title(db, login):
    pediatric_courses()
    instructor = factories.authorised_instructor(FAMILY)
    record = db.session.query(InstructorAuthorisation).one()
    page = login(factories.admin()).post(f"/admin/authorisations/{record.id}/remove",
                                         data={"user_id": instructor.id})
    assert f"authorisation to teach {TITLE} courses" in page.get_data(as_text=True)
    assert FAMILY not in shown_text(page)


def test_an_unauthorised_instructor_is_refused_and_flagged_by_course_title(db, login):
    course = pediatric_courses()
    instructor = factories.instructor(full_name="Una Known")
    client = login(factories.admin())
    starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    refused = client.post("/admin/sessions/new", data={
        "course": course.id, "instructor": instructor.id, "location": "Room 3", "weeks": "1",
        "starts_at": to_local(starts).strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 422
    assert f"Una Known is not authorised to teach {TITLE}" in refused.get_data(as_text=True)
    assert FAMILY not in shown_text(refused)
    older = factories.ClassSessionFactory(course=course, instructor=instructor)
    for page in (client.get("/admin/sessions"), client.get(f"/admin/sessions/{older.id}")):
        assert f"is not authorised to teach {TITLE}" in page.get_data(as_text=True)
        assert FAMILY not in shown_text(page)


def test_a_family_without_an_initial_course_reads_without_underscores(db):
    factories.CourseFactory(family=FAMILY, title="Pediatric First Aid CPR AED Renewal", renewal=True)
    names = authorisations.family_names(db.session)
    assert names[FAMILY] == "pediatric first aid cpr"
    assert names["no_such_family"] == "no such family"
    assert authorisations.family_name(db.session, FAMILY) == "pediatric first aid cpr"
