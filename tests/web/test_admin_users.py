"""Users and roles pages: search, roles, organisation, deactivation, authorisations."""

from __future__ import annotations

from datetime import timedelta

from app.models import InstructorAuthorisation, User
from tests import factories


def test_search_lists_matching_users(db, login):
    factories.learner(full_name="Ada Lovelace", email="ada@example.test")
    factories.learner(full_name="Bob Other", email="bob@example.test")
    page = login(factories.admin()).get("/admin/users?q=lovelace")
    assert b"ada@example.test" in page.data and b"bob@example.test" not in page.data


def test_roles_are_granted_and_revoked_from_the_user_page(db, login):
    user = factories.learner()
    response = login(factories.admin()).post(f"/admin/users/{user.id}/roles",
                                             data={"roles": ["instructor", "employer"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {"instructor", "employer"}


def test_an_employer_is_attached_to_an_organisation(db, login):
    user = factories.UserFactory(roles=["employer"])
    login(factories.admin()).post(f"/admin/users/{user.id}/organisation",
                                  data={"name": "Mercy Hospital"})
    db.session.expire_all()
    assert db.session.get(User, user.id).organisation.name == "Mercy Hospital"


def test_an_account_is_deactivated_from_the_user_page(db, login, client):
    user = factories.learner()
    login(factories.admin()).post(f"/admin/users/{user.id}/active", data={"confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    assert b"Reactivate account" in client.get(f"/admin/users/{user.id}").data


def test_an_authorisation_is_recorded_from_the_user_page(db, login):
    factories.CourseFactory(family="bls")
    instructor = factories.instructor()
    client = login(factories.admin())
    until = factories.center_today() + timedelta(days=300)
    response = client.post(f"/admin/users/{instructor.id}/authorisations",
                           data={"family": "bls", "expires_on": until.isoformat()})
    assert response.status_code == 302
    record = db.session.query(InstructorAuthorisation).one()
    assert (record.family, record.expires_on) == ("bls", until)
    assert b"current" in client.get(f"/admin/users/{instructor.id}").data
    client.post(f"/admin/users/{instructor.id}/instructor-number", data={"number": "AHA-12345"})
    db.session.expire_all()
    assert db.session.get(User, instructor.id).instructor_number == "AHA-12345"


def test_a_deactivated_user_cannot_sign_in(db, login, app):
    user = factories.learner(email="gone@example.test")
    login(factories.admin()).post(f"/admin/users/{user.id}/active", data={"confirmed": "1"})
    fresh_client = app.test_client()
    response = fresh_client.post("/login", data={"email": "gone@example.test",
                                                 "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 401
    with fresh_client.session_transaction() as cookie_session:
        assert "_user_id" not in cookie_session
