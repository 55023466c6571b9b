"""Which language a page is in (API-2 §6): the signed-in user's preferred_language, else the
`lang` cookie the switcher sets (`?lang=es|en`), else Accept-Language; `<html lang>` says it;
the API's messages stay English."""

from __future__ import annotations

import re

import pytest

from app.extensions import db as _db
from app.models import User
from tests import factories

SPANISH_NAV, ENGLISH_NAV = "Buscar una clase", "Find a class"


def html_lang(answer) -> str:
    return re.search(r'<html lang="([a-z-]+)">', answer.get_data(as_text=True)).group(1)


def test_english_is_the_default(client, db):
    answer = client.get("/verify")
    assert html_lang(answer) == "en" and ENGLISH_NAV in answer.get_data(as_text=True)


@pytest.mark.parametrize("header", ["es", "es-MX,es;q=0.9,en;q=0.5", "es-419"])
def test_a_browser_asking_for_spanish_gets_spanish(client, db, header):
    answer = client.get("/verify", headers={"Accept-Language": header})
    assert html_lang(answer) == "es" and SPANISH_NAV in answer.get_data(as_text=True)
    assert "Accept-Language" in answer.headers["Vary"]


def test_an_unsupported_language_falls_back_to_english(client, db):
    answer = client.get("/verify?lang=fr", headers={"Accept-Language": "fr-FR, de"})
    assert html_lang(answer) == "en"
    assert "lang=" not in answer.headers.get("Set-Cookie", "")


def test_the_switcher_sets_a_cookie_that_beats_accept_language(client, db):
    chosen = client.get("/verify?lang=es", headers={"Accept-Language": "en-US"})
    assert html_lang(chosen) == "es"
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("lang=es;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    later = client.get("/verify", headers={"Accept-Language": "en-US"})
    assert html_lang(later) == "es"
    client.get("/verify?lang=en")
    assert html_lang(client.get("/verify", headers={"Accept-Language": "es"})) == "en"


def test_every_page_offers_the_other_language_keeping_its_query(client, db):
    page = client.get("/?q=teacher").get_data(as_text=True)
    assert re.search(r'<a href="/\?q=teacher&amp;lang=es" lang="es" hreflang="es">Español</a>',
                     page)
    assert re.search(r'<a href="/\?q=teacher&amp;lang=en" lang="en" hreflang="en" '
                     r'aria-current="true">English</a>', page)
    for path in ("/login", "/register", "/verify", "/cards/lookup", "/no-such-page"):
        assert 'hreflang="es">Español</a>' in client.get(path).get_data(as_text=True), path


def test_a_signed_in_users_preference_beats_the_cookie_and_the_browser(client, login, db):
    learner = factories.learner(preferred_language="es")
    client.get("/verify?lang=en")  # the cookie says English
    login(learner)
    answer = client.get("/me", headers={"Accept-Language": "en"})
    assert html_lang(answer) == "es" and "Mis clases" in answer.get_data(as_text=True)


def test_a_signed_in_user_who_switches_keeps_the_choice(client, login, db):
    learner = factories.learner(preferred_language="en")
    login(learner)
    assert html_lang(client.get("/me?lang=es")) == "es"
    _db.session.expire_all()
    assert _db.session.get(User, learner.id).preferred_language == "es"
    client.set_cookie("lang", "en")
    assert html_lang(client.get("/me")) == "es"  # the account's choice, on any device


def test_staff_pages_and_the_api_stay_english(client, login, db):
    login(factories.admin(preferred_language="es"))
    client.set_cookie("lang", "es")
    assert html_lang(client.get("/admin/", headers={"Accept-Language": "es"})) == "en"
    answer = client.get("/api/v1/sessions/999999", headers={"Accept-Language": "es"})
    assert (answer.status_code, answer.json["error"]) == (404, "not_found")
    assert answer.json["message"] == "No class session has this id."
