"""Private answers carry `Cache-Control: no-store`: signed-in pages, rosters, the card PDF a
signed-in holder downloads, and every API answer to a bearer-token caller."""

from __future__ import annotations

from tests import factories


def test_the_learners_own_page_is_not_stored(client, login):
    login(factories.learner())
    assert client.get("/me").headers["Cache-Control"] == "no-store"


def test_an_admin_page_is_not_stored(client, login):
    login(factories.admin())
    assert client.get("/admin/certificates").headers["Cache-Control"] == "no-store"


def test_a_roster_is_not_stored(client, login):
    class_session = factories.ClassSessionFactory()
    login(class_session.instructor)
    response = client.get(f"/instructor/sessions/{class_session.id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_the_card_pdf_downloaded_while_signed_in_is_not_stored(client, login):
    certificate = factories.CertificateFactory()
    login(certificate.holder)
    response = client.get(f"/api/v1/certificates/{certificate.code}/card.pdf")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_an_api_answer_to_a_token_is_not_stored(client, api_token):
    response = client.get("/api/v1/me/certificates", headers=api_token(factories.learner()))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_a_public_page_keeps_its_caching(client):
    assert client.get("/").headers.get("Cache-Control") != "no-store"
