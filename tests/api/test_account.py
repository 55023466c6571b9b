"""The caller's own account over the API: GET /me and POST /me/password (API-2.md §1)."""

from __future__ import annotations

from tests import factories

PASSWORD = factories.DEFAULT_PASSWORD


def test_me_answers_the_callers_account(client, api_token, db):
    user = factories.UserFactory(roles=["learner", "instructor"], full_name="Ada Lovelace",
                                 email="ada@example.test")
    answer = client.get("/api/v1/me", headers=api_token(user))
    assert answer.status_code == 200
    assert answer.get_json() == {"email": "ada@example.test", "full_name": "Ada Lovelace",
                                 "roles": ["instructor", "learner"], "preferred_language": "en"}


def test_me_needs_a_token(client, db):
    assert client.get("/api/v1/me").get_json()["error"] == "unauthenticated"


def test_a_password_change_keeps_the_token_that_made_it_and_ends_the_others(
        client, api_token, login, db):
    learner = factories.learner()
    making, other = api_token(learner), api_token(learner)
    login(learner)
    answer = client.post("/api/v1/me/password", headers=making,
                         json={"current_password": PASSWORD, "new_password": "a newer password"})
    assert answer.status_code == 204
    assert client.get("/api/v1/me", headers=making).status_code == 200
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert client.get("/me").status_code == 302  # the browser session ended too


def test_a_wrong_current_password_is_invalid_and_changes_nothing(client, api_token, db):
    learner = factories.learner()
    token = api_token(learner)
    answer = client.post("/api/v1/me/password", headers=token,
                         json={"current_password": "not it at all", "new_password": "whatever 123"})
    assert answer.status_code == 422
    assert answer.get_json()["error"] == "invalid"
    assert "current_password" in answer.get_json()["fields"]
    assert client.get("/api/v1/me", headers=token).status_code == 200


def test_a_short_new_password_is_invalid_on_its_field(client, api_token, db):
    token = api_token(factories.learner())
    answer = client.post("/api/v1/me/password", headers=token,
                         json={"current_password": PASSWORD, "new_password": "short"})
    assert answer.status_code == 422 and "new_password" in answer.get_json()["fields"]


def test_a_body_without_the_fields_is_invalid_not_a_500(client, api_token, db):
    token = api_token(factories.learner())
    for body in ({}, {"current_password": 5, "new_password": []}, None):
        answer = client.post("/api/v1/me/password", headers=token, json=body)
        assert answer.status_code in (400, 422), body
