"""Every learner-facing page in Spanish shows no English UI text: each route is rendered for a
Spanish reader and its visible text is searched for the English of every catalog entry that
Spanish words differently (tests/support/catalogs.english_left_in). Data stays as it is
(names, course titles, codes), so the world below names things in Spanish."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db as _db
from app.models import OnlinePart, Payment
from app.models.base import utcnow
from app.services import orders
from app.services.notifications.mail import unsubscribe_url
from tests import factories
from tests.support.catalogs import english_fragments, english_left_in
from tests.support.pages import visible_text


@pytest.fixture
def world(db, app):
    """A Spanish-speaking learner with a seat, a held seat, a blended class, a certificate, and
    classes to find."""
    learner = factories.learner(preferred_language="es", full_name="Lucía Gómez")
    course = factories.CourseFactory(title="Curso de prueba", price_cents=6500)
    seat = factories.EnrollmentFactory(learner=learner, session__course=course)
    held = factories.EnrollmentFactory(
        learner=learner, status="pending_payment", session__course__title="Otro curso",
        hold_expires_at=utcnow() + timedelta(minutes=20))
    _db.session.add(Payment(enrollment_id=held.id, provider="stripe", status="pending",
                            amount_cents=8500, currency="usd", created_at=utcnow()))
    blended = factories.EnrollmentFactory(learner=learner, session__course__format="blended",
                                          session__course__title="Curso combinado")
    _db.session.add(OnlinePart(enrollment_id=blended.id, completed_on=factories.center_today(),
                               certificate_id="HC-1", recorded_by_id=learner.id,
                               created_at=utcnow(), updated_at=utcnow()))
    _db.session.commit()
    card = factories.CertificateFactory(holder=learner, course__title="Curso de prueba",
                                        expires_on=factories.center_today() + timedelta(days=20))
    order = orders.place_order(_db.session, factories.employer(), course.code, 3, None,
                               utcnow(), "usd")
    return {"learner": learner, "seat": seat, "held": held, "card": card, "order": order,
            "class": seat.session, "unsubscribe": unsubscribe_url(learner.id, app.config)}


PUBLIC_PAGES = [
    "/", "/?who=nurse", "/?who=teacher", "/?who=workplace", "/sessions/{class}", "/login", "/register",
    "/forgot-password", "/reset-password/not-a-token", "/cards/lookup", "/verify",
    "/verify/{card}", "/verify/{card}?preset=bls", "/verify/AAAA-AAAA-AAAA-AAAA",
    "/no-such-page", "{unsubscribe}", "/redeem/{order}",
]
LEARNER_PAGES = [
    "/me", "/sessions/{class}", "/sessions/{class}/review", "/enrollments/{seat}/cancel",
    "/enrollments/{held}/payment", "/account/password", "/redeem/{order}",
]


def address(template: str, world) -> str:
    return template.format(**{"class": world["class"].id, "seat": world["seat"].id,
                              "held": world["held"].id, "card": world["card"].code,
                              "order": world["order"].voucher_code,
                              "unsubscribe": "/" + world["unsubscribe"].split("://", 1)[1]
                              .partition("/")[2]})


def english_on(client, path: str) -> tuple[int, list[str]]:
    answer = client.get(path)
    page = answer.get_data(as_text=True)
    assert '<html lang="es">' in page, (path, answer.status_code, page[:300])
    return answer.status_code, english_left_in(visible_text(page))


def test_the_check_knows_the_english_it_looks_for():
    fragments = english_fragments("es")
    assert {"Find a class", "Verify a card", "Sign out"} <= fragments
    assert english_left_in("Por favor, Find a class aquí") == ["Find a class"]
    assert english_left_in("Buscar una clase") == []


@pytest.mark.parametrize("template", PUBLIC_PAGES)
def test_public_pages_in_spanish_show_no_english(client, world, template):
    client.set_cookie("lang", "es")
    status, english = english_on(client, address(template, world))
    assert status < 500 and english == [], english


@pytest.mark.parametrize("template", LEARNER_PAGES)
def test_a_spanish_learners_pages_show_no_english(client, login, world, template):
    login(world["learner"])
    status, english = english_on(client, address(template, world))
    assert status < 500 and english == [], english


def test_the_same_pages_in_english_are_caught_by_the_check(client, login, world):
    login(world["learner"])
    client.get("/me?lang=en")
    for template in ("/me", "/sessions/{class}/review", "/verify/{card}?preset=bls"):
        page = client.get(address(template, world)).get_data(as_text=True)
        assert '<html lang="en">' in page
        assert len(english_left_in(visible_text(page))) >= 3, template
