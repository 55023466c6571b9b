"""The learner's pages and the verify pages in Spanish: a learner whose preferred language is
Spanish sees /me (a seat, a held seat, a certificate, a blended online part), the review and
cancel steps, the payment status and the voucher page in Spanish; the verify pages answer in
Spanish for a valid, an expiring, a revoked and a replaced card, with a requirement's reasons;
and the language form on /me switches the learner to Spanish and back."""

from __future__ import annotations

import re
from datetime import timedelta

from app.extensions import db as _db
from app.models import Keycode, OnlinePart, Payment
from app.models.base import utcnow
from app.services import orders
from tests import factories
from tests.support.pages import banner, visible_text


def spanish(response, *shown: str, absent: tuple[str, ...] = ()) -> str:
    """The page's visible text, after checking it is a Spanish page showing `shown` and none of
    the English UI text in `absent`."""
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert '<html lang="es">' in page
    text = visible_text(page)
    for words in shown:
        assert words in text, words
    for words in absent:
        assert words not in text, words
    return text


def hispanic_learner(**fields):
    return factories.learner(preferred_language="es", **fields)


def test_me_with_a_seat_a_held_seat_a_certificate_and_an_online_part(client, db, login):
    learner = hispanic_learner(full_name="Lucía Gómez")
    factories.EnrollmentFactory(learner=learner, session__course__title="Curso A")
    held = factories.EnrollmentFactory(
        learner=learner, status="pending_payment", session__course__title="Curso B",
        hold_expires_at=utcnow() + timedelta(minutes=14, seconds=30))
    _db.session.add(Payment(enrollment_id=held.id, provider="stripe", status="pending",
                            amount_cents=8500, currency="usd", created_at=utcnow()))
    blended = factories.EnrollmentFactory(learner=learner, session__course__format="blended",
                                          session__course__title="Curso C")
    _db.session.add(OnlinePart(enrollment_id=blended.id, completed_on=factories.center_today(),
                               certificate_id="HC-123", recorded_by_id=learner.id,
                               created_at=utcnow(), updated_at=utcnow()))
    _db.session.add(Keycode(course_id=blended.session.course_id, key="KEY-777",
                            enrollment_id=blended.id, assigned_at=utcnow()))
    _db.session.commit()
    factories.CertificateFactory(holder=learner,
                                 expires_on=factories.center_today() + timedelta(days=400))
    login(learner)
    text = spanish(client.get("/me"), "Próximas clases", "Lugar reservado", "Cancelar…",
                   "Lugares reservados para usted", "reservado hasta las", "quedan 14 minutos",
                   "Pagar", "Parte en línea", "Su código de acceso", "KEY-777",
                   "Completada el", "Guardar la parte en línea", "Mis certificados", "Vigente",
                   "quedan 400 días", "Tarjeta de bolsillo (PDF)", "Agregar a LinkedIn",
                   "Clases anteriores", "Configuración", "Idioma", "Cambiar mi contraseña",
                   absent=("Upcoming classes", "Seat held", "Seats held for you", "held until",
                           "minutes left", "Online part", "Your keycode", "My certificates",
                           "days left", "Wallet card", "Add to LinkedIn", "Past classes",
                           "No past classes", "Settings", "Valid through", "Change my password",
                           "E-mail me before"))
    assert "Pagar $85.00" in text and "pago pendiente" in text


def test_the_review_page_of_a_priced_class(client, db, login):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    login(hispanic_learner())
    spanish(client.get(f"/sessions/{class_session.id}/review"), "Revisar e inscribirse",
            "Precio", "Lugares disponibles", "10 de 10", "Pago y reembolsos",
            "Usted paga en la clase", "Cancele al menos 48 horas", "Código promocional (opcional)",
            "Inscribirse", "Volver a la clase",
            absent=("Review and enroll", "Seats left", "Payment and refunds", "You pay at the class",
                    "Cancel at least", "Promo code", "Back to the class"))


def test_the_cancel_confirmation(client, db, login):
    enrollment = factories.EnrollmentFactory(learner=hispanic_learner())
    login(enrollment.learner)
    spanish(client.get(f"/enrollments/{enrollment.id}/cancel"), "¿Cancelar su lugar en",
            "Se libera su lugar del", "Cancelar mi lugar", "Conservar mi lugar",
            absent=("Cancel your seat", "is released", "Cancel my seat", "Keep my place"))
    cancelled = client.post(f"/enrollments/{enrollment.id}/cancel", follow_redirects=True)
    spanish(cancelled, "Se canceló su lugar en", absent=("Cancelled your place",))


def test_the_payment_status_page(client, db, login):
    enrollment = factories.EnrollmentFactory(
        learner=hispanic_learner(), status="pending_payment",
        hold_expires_at=utcnow() + timedelta(minutes=10))
    _db.session.add(Payment(enrollment_id=enrollment.id, provider="stripe", status="pending",
                            amount_cents=8500, currency="usd", created_at=utcnow()))
    _db.session.commit()
    login(enrollment.learner)
    spanish(client.get(f"/enrollments/{enrollment.id}/payment"),
            "Su lugar está reservado hasta las", "termine de pagar", "ahora",
            "¿Acaba de pagar?", "actualizar", "Mis clases",
            absent=("Your seat is held", "finish paying", "Just paid", "refresh", "My classes"))
    enrollment.status = "cancelled"
    _db.session.commit()
    spanish(client.get(f"/enrollments/{enrollment.id}/payment"),
            "Se liberó el lugar que tenía reservado", "Vea la clase",
            absent=("Your held seat was released", "See the class"))


def test_the_voucher_page(client, db, login):
    class_session = factories.ClassSessionFactory()
    order = orders.place_order(_db.session, factories.employer(), class_session.course.code, 3,
                               None, utcnow(), "usd")
    login(hispanic_learner())
    spanish(client.get(f"/redeem/{order.voucher_code}"), "paga su lugar en este curso",
            "Vale", "Clases que puede elegir", "Cuándo", "Dónde", "Quedan 10", "Inscribirse",
            absent=("pays for your seat", "Classes you can choose", "When", "Where",
                    "10 left", "Enroll"))


def test_the_verify_form_and_a_valid_card(client, db):
    client.set_cookie("lang", "es")
    spanish(client.get("/verify"), "Verificar un certificado", "Código del certificado",
            "Tal como aparece impreso en la tarjeta", "Verificar una credencial digital",
            "Comprobar la credencial", "o péguelo aquí",
            absent=("Verify a certificate", "As printed on the card", "Check the credential",
                    "or paste it", "Scanning the QR code"))
    card = factories.CertificateFactory(expires_on=factories.center_today() + timedelta(days=400))
    spanish(client.get(f"/verify/{card.code}"), "Tarjeta vigente", "Vigente hasta el",
            "quedan 400 días", "Verificado el", "Profesional de la salud (BLS)",
            "RCP en adultos", "Base de las guías", "Centro de capacitación",
            "Comprobar con un requisito", "Verificar otro código",
            absent=("Valid card", "Valid through", "days left", "Checked at",
                    "Healthcare Provider", "adult CPR", "Guideline basis",
                    "Training center", "Check against a requirement",
                    "Verify another code"))
    assert banner(client.get(f"/verify/{card.code}").get_data(as_text=True)).text.startswith(
        "Tarjeta vigente")
    missing = client.get("/verify", query_string={"code": "NOPE-NOPE"})
    assert missing.status_code == 404
    assert "Ningún certificado tiene este código." in visible_text(missing.get_data(as_text=True))


def test_an_expiring_a_revoked_and_a_replaced_card(client, db):
    client.set_cookie("lang", "es")
    today = factories.center_today()
    expiring = factories.CertificateFactory(expires_on=today + timedelta(days=5))
    spanish(client.get(f"/verify/{expiring.code}"), "Tarjeta vigente", "Por vencer",
            "quedan 5 días", absent=("Expiring", "days left"))
    revoked = factories.CertificateFactory(revoked_at=utcnow(), revoked_reason="Cheated",
                                           revocation_category="withdrawn")
    spanish(client.get(f"/verify/{revoked.code}"), "Tarjeta revocada",
            "Revocada por el centro de capacitación (motivo: retirada)",
            absent=("Revoked card", "Revoked by the training center", "withdrawn"))
    old = factories.CertificateFactory(revoked_at=utcnow(), revoked_reason="Name misspelt",
                                       revocation_category="replaced")
    new = factories.CertificateFactory(holder=old.holder, course=old.course, replaces=old)
    spanish(client.get(f"/verify/{old.code}"), "Tarjeta reemplazada",
            f"Reemplazada por {new.code}", "Reemplazada",
            absent=("Replaced card", "Replaced by", "This code was replaced"))


def test_a_requirement_check_gives_its_reasons_in_spanish(client, db):
    client.set_cookie("lang", "es")
    course = factories.CourseFactory(level="lay_rescuer", topics_mask=0b1001)
    card = factories.CertificateFactory(course=course,
                                        expires_on=factories.center_today() - timedelta(days=2))
    text = spanish(client.get(f"/verify/{card.code}", query_string={"preset": "bls"}),
                   "Tarjeta vencida — no cumple con BLS (RCP para profesionales de la salud)",
                   "El nivel es Rescatista lego; este requisito exige Profesional de la salud (BLS).",
                   "Temas que faltan: RCP en niños, RCP en lactantes.", "Venció el",
                   absent=("does not meet", "Level is", "Missing topics", "Expired on",
                           "child CPR"))
    # the long date ("lunes, 30 de noviembre de 2026"), not the ISO date
    assert re.search(r"Venció el \w+, \d{1,2} de \w+ de \d{4}\.El nivel", text)
    assert card.expires_on.isoformat() not in text
    api = client.post("/api/v1/requirements/check", json={"code": card.code, "requirement": "bls"},
                      headers={"Accept-Language": "es"})
    assert api.get_json()["reasons"] == [  # the API keeps the English text, ISO dates
        f"Expired on {card.expires_on.isoformat()}.",
        "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS).",
        "Missing topics: child CPR, infant CPR."]


def test_the_credential_verify_page(client, db):
    client.set_cookie("lang", "es")
    certificate = factories.CertificateFactory()
    credential = client.get(f"/api/v1/certificates/{certificate.code}/credential").data
    text = spanish(client.post("/verify/credential", data={"credential": credential.decode()}),
                   "Credencial vigente", "Auténtica, no revocada", "Comprobaciones",
                   "Emisor: comprobación superada.", "La firma coincide con la clave del emisor.",
                   "No revocada", "Vigente desde el",
                   absent=("Valid credential", "Genuine", "Checks", "passed", "The signature matches",
                           "Not revoked", "Valid from"))
    assert "Issued by" not in text
    refused = client.post("/verify/credential", data={"credential": "{not json"})
    assert refused.status_code == 422
    assert "Esto no es JSON" in visible_text(refused.get_data(as_text=True))


def test_the_language_form_switches_to_spanish_and_back(client, db, login):
    learner = factories.learner()
    login(learner)
    assert "Upcoming classes" in visible_text(client.get("/me").get_data(as_text=True))
    switched = client.post("/me/language", data={"language": "es"}, follow_redirects=True)
    spanish(switched, "Sus páginas y correos electrónicos ahora están en español.",
            "Próximas clases", absent=("Upcoming classes",))
    _db.session.expire_all()
    assert _db.session.get(type(learner), learner.id).preferred_language == "es"
    back = client.post("/me/language", data={"language": "en"}, follow_redirects=True)
    page = back.get_data(as_text=True)
    assert '<html lang="en">' in page and "Your pages and e-mails are now in English." in page
    assert "Próximas clases" not in page and "Upcoming classes" in page
    _db.session.expire_all()
    assert _db.session.get(type(learner), learner.id).preferred_language == "en"
    assert client.post("/me/language", data={"language": "fr"},
                       follow_redirects=True).status_code == 200
    _db.session.expire_all()
    assert _db.session.get(type(learner), learner.id).preferred_language == "en"


def test_a_mistyped_code_and_a_refused_online_part_are_explained_in_spanish(client, db, login):
    client.set_cookie("lang", "es")
    card = factories.CertificateFactory()
    mistyped = client.get(f"/verify/{('Z' if card.code[0] != 'Z' else 'Y') + card.code[1:]}")
    spanish_text = visible_text(mistyped.get_data(as_text=True))
    assert "Código mal escrito" in spanish_text and "revise los caracteres" in spanish_text
    assert "Mistyped code" not in spanish_text and "looks mistyped" not in spanish_text
    blended = factories.EnrollmentFactory(learner=hispanic_learner(),
                                          session__course__format="blended")
    login(blended.learner)
    tomorrow = factories.center_today() + timedelta(days=1)
    refused = client.post(f"/me/enrollments/{blended.id}/online-part", follow_redirects=True,
                          data={"completed_on": tomorrow.isoformat(), "certificate_id": "HC-1"})
    spanish(refused, "La fecha de finalización de la parte en línea no puede ser futura.",
            absent=("cannot be completed in the future",))
