"""A deactivated account loses its open browser session at once."""

from tests import factories


def test_deactivated_learner_is_signed_out_of_an_open_session(client, login, db):
    learner = factories.learner()
    login(learner)
    assert client.get("/me").status_code == 200
    learner.active = False
    db.session.commit()
    response = client.get("/me")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
