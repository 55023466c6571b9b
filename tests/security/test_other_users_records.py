"""Naming another user's record by its id: refused without a leak, and nothing changes."""

from __future__ import annotations

from app.extensions import db
from app.models import Enrollment
from app.models.certificate import WatchListEntry


def _text(response) -> str:
    return response.get_data().decode("utf-8", "replace")


def _shows_nothing_of(response, world, role: str) -> bool:
    return not any(detail in _text(response) for detail in world.private_details_of(role))


def test_a_learner_cannot_cancel_another_learners_enrollment(client, login, api_token, world):
    token = api_token(world.users["learner"])
    theirs = world.other_enrollment.id

    answer = client.delete(f"/api/v1/enrollments/{theirs}", headers=token)
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"
    assert _shows_nothing_of(answer, world, "other_learner")

    login(world.users["learner"])
    page = client.post(f"/enrollments/{theirs}/cancel")
    assert page.status_code == 404 and _shows_nothing_of(page, world, "other_learner")

    db.session.expire_all()
    assert db.session.get(Enrollment, theirs).status == "enrolled"


def test_a_learner_asking_for_a_missing_enrollment_gets_the_same_answer(client, api_token,
                                                                        world):
    """Not found and someone else's look the same, so ids cannot be probed."""
    token = api_token(world.users["learner"])
    theirs = client.delete(f"/api/v1/enrollments/{world.other_enrollment.id}", headers=token)
    missing = client.delete("/api/v1/enrollments/999999", headers=token)
    assert (theirs.status_code, theirs.get_json()) == (missing.status_code, missing.get_json())


def test_me_pages_list_only_ones_own_records(client, login, api_token, world):
    token = api_token(world.users["learner"])
    enrollments = client.get("/api/v1/me/enrollments", headers=token).get_json()["items"]
    assert [item["id"] for item in enrollments] == [world.enrollment.id]
    certificates = client.get("/api/v1/me/certificates", headers=token).get_json()["items"]
    assert [item["code"] for item in certificates] == [world.certificate.code]

    login(world.users["learner"])
    page = client.get("/me")
    assert page.status_code == 200 and world.certificate.code in _text(page)
    assert world.other_certificate.code not in _text(page)
    assert _shows_nothing_of(page, world, "other_learner")


def test_an_instructor_cannot_see_or_mark_a_roster_they_do_not_teach(client, login, api_token,
                                                                      world):
    token = api_token(world.users["instructor"])
    theirs = world.other_session.id

    roster = client.get(f"/api/v1/sessions/{theirs}/roster", headers=token)
    assert roster.status_code == 403 and roster.get_json()["error"] == "forbidden"
    marks = client.post(f"/api/v1/sessions/{theirs}/completions", headers=token, json={
        "results": [{"enrollment_id": world.other_enrollment.id, "outcome": "failed"}]})
    assert marks.status_code == 403
    card = client.post(f"/api/v1/certificates/{world.other_certificate.code}/external-card",
                       headers=token, json={"issuer": "AHA", "id": "FAKE-1"})
    assert card.status_code == 403

    login(world.users["instructor"])
    page = client.get(f"/instructor/sessions/{theirs}")
    assert page.status_code == 403
    for answer in (roster, marks, card, page):
        assert _shows_nothing_of(answer, world, "other_learner")

    db.session.expire_all()
    assert db.session.get(Enrollment, world.other_enrollment.id).status == "enrolled"
    assert world.other_certificate.external_id is None


def test_an_employer_cannot_see_or_remove_another_organisations_watch_list(client, login,
                                                                         world):
    login(world.users["employer"])
    removal = client.post(f"/employer/watch-list/{world.other_entry.id}/remove")
    assert removal.status_code == 404

    for path in ("/employer", "/employer/watch-list.csv"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert world.entry.employee_name in _text(answer)
        assert world.other_entry.employee_name not in _text(answer)
        assert world.other_certificate.code not in _text(answer)
        assert _shows_nothing_of(answer, world, "other_learner")

    db.session.expire_all()
    assert db.session.get(WatchListEntry, world.other_entry.id) is not None


def test_certificate_views_by_code_never_show_an_email_address(client, world):
    code = world.certificate.code
    for path in (f"/verify/{code}", f"/api/v1/certificates/{code}"):
        answer = client.get(path)
        assert answer.status_code == 200 and world.certificate.holder_name in _text(answer)
        assert world.users["learner"].email not in _text(answer)
        assert f'"{world.certificate.id}"' not in _text(answer)


def test_the_private_certificate_record_is_for_admins_only(client, login, world):
    path = f"/admin/certificates/{world.certificate.id}"
    for role in ("learner", "instructor", "employer"):
        login(world.users[role])
        answer = client.get(path)
        assert answer.status_code == 403
        assert world.users["learner"].email not in _text(answer)
    login(world.users["admin"])
    assert client.get(path).status_code == 200
