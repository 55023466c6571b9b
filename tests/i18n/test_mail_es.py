"""A learner's mail in their language: a Spanish-speaking learner (preferred_language "es")
reads every learner mail in Spanish (subject, text and HTML, Spanish dates, no English UI
words); an English learner's mail is unchanged; and the language is the recipient's when the
outbox sends the mail, not when it was queued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pypdfium2
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification, Payment
from app.models.base import utcnow
from app.services import notifications
from app.services.certificates.changes import mail_context as certificate_context
from app.services.enrollment import seats
from app.services.notifications import mail
from app.services.schedule import changes as schedule
from tests import factories

ZONE = "America/New_York"
# Monday, December 6, 2027, 10:00 AM EST to 2:00 PM EST.
STARTS = datetime(2027, 12, 6, 15, 0, tzinfo=UTC)
SPANISH_DATE = "lunes, 6 de diciembre de 2027"
# UI words of the English mails that must not be left in a Spanish one (data such as course
# titles, places and names are not translated).
ENGLISH = ("Hello", "When:", "Where:", "Class details", "You're enrolled",
           "waitlist", "Your seat", "Good news", " certificate", "Monday", "December", " PM",
           " AM", "CPR, BLS and first-aid training", "e-mail", "Sign in", "password")


def rendered(app, notification) -> tuple[str, str, str]:
    context = mail.template_context(db.session, notification, app.config)
    return mail.render(app.jinja_env, notification.kind, context)


def queued(kind: str, recipient, context=None, **fields) -> Notification:
    row = notifications.enqueue(db.session, kind=kind, recipient=recipient,
                                event_key=f"{kind}:{factories.generate_code()}",
                                context=context or {}, **fields)
    db.session.commit()
    return row


def assert_spanish(mail_parts, *phrases: str, dated: bool = True) -> None:
    subject, text, html = mail_parts
    for part in (subject, text, html):
        for word in ENGLISH:
            assert word not in part, (word, part)
    for body in (text, html):
        for phrase in phrases:
            assert phrase in body, (phrase, body)
        if dated:
            assert SPANISH_DATE in body, body
    assert "&#" not in text and "&amp;" not in text and "&quot;" not in text
    assert "<html lang=\"es\">" in html


@pytest.fixture
def spanish():
    return factories.learner(full_name="Lucía Ramírez", preferred_language="es")


@pytest.fixture
def seat(spanish):
    class_session = factories.ClassSessionFactory(
        course__title="BLS Provider", course__price_cents=6500, starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=4), enrollment_closes_at=STARTS,
        location="Sala B, 120 Harbor St")
    return factories.EnrollmentFactory(session=class_session, learner=spanish)


def test_the_enrollment_confirmation_is_in_spanish(app, seat):
    row = queued("enrollment_confirmed", seat.learner, seats.mail_context(seat),
                 subject=("enrollment", seat.id))
    subject, text, html = parts = rendered(app, row)
    assert subject == f"Inscripción confirmada: BLS Provider, {SPANISH_DATE}, 10:00 a.m. EST"
    assert_spanish(parts, "Hola, Lucía Ramírez:", "Tiene un lugar en", "Cuándo:", "Dónde:",
                   "10:00 a.m. EST a 2:00 p.m. EST", "$65.00", "Sala B, 120 Harbor St",
                   "Capacitación en RCP, BLS y primeros auxilios")
    assert "¿No desea recibir recordatorios" not in text + html


def test_the_class_reminder_is_in_spanish(app, seat):
    context = seats.mail_context(seat) | {"map_url": "https://maps.example/sala-b",
                                          "what_to_bring": "Ropa cómoda"}
    row = queued("class_reminder", seat.learner, context, subject=("enrollment", seat.id))
    subject, text, html = parts = rendered(app, row)
    assert subject.startswith("Nos vemos pronto: BLS Provider, " + SPANISH_DATE)
    assert_spanish(parts, "Se acerca su clase", "Qué traer:", "¿No podrá asistir?",
                   "para que el siguiente participante reciba su lugar")


def test_the_renewal_reminder_is_in_spanish_with_its_classes(app, spanish):
    renewal = factories.CourseFactory(family="bls", renewal=True, title="BLS Renewal")
    factories.ClassSessionFactory(course=renewal, starts_at=STARTS,
                                  ends_at=STARTS + timedelta(hours=3), enrollment_closes_at=STARTS)
    factories.ClassSessionFactory(course=renewal, starts_at=STARTS + timedelta(days=7),
                                  ends_at=STARTS + timedelta(days=7, hours=3),
                                  enrollment_closes_at=STARTS + timedelta(days=7))
    card = factories.CertificateFactory(holder=spanish, course=renewal, course_title="BLS Provider",
                                        expires_on=factories.center_today() + timedelta(days=20))
    row = queued("renewal_reminder", spanish, certificate_id=card.id, reminder_window=30,
                 subject=("certificate", card.id))
    subject, text, html = parts = rendered(app, row)
    assert subject.startswith("Su certificado de BLS Provider vence el ")
    assert_spanish(parts, "dentro de 20 días", "Reserve su renovación", "Código del certificado",
                   "Otras fechas con lugares disponibles", "10:00 a.m. EST",
                   "¿No desea recibir recordatorios de renovación?")
    assert "Reserve su renovación: BLS Renewal, " + SPANISH_DATE in text


def test_waitlist_and_held_seat_mails_are_in_spanish(app, seat):
    waiting = queued("waitlist_joined", seat.learner,
                     seats.mail_context(seat) | {"waitlist_position": 2})
    assert_spanish(rendered(app, waiting), "está completa", "número 2", "lista de espera")
    promoted = queued("waitlist_promoted", seat.learner, seats.mail_context(seat))
    assert_spanish(rendered(app, promoted), "Buenas noticias", "Su inscripción está confirmada")
    hold_ends = STARTS - timedelta(days=2)
    held = queued("seat_held", seat.learner, seats.mail_context(seat) | {
        "pay_path": f"/enrollments/{seat.id}/pay", "hold_expires_at": hold_ends.isoformat(),
        "amount_cents": 6500, "currency": "usd"})
    subject, text, html = parts = rendered(app, held)
    assert "se lo reservamos hasta el sábado, 4 de diciembre de 2027, 10:00 a.m. EST" in subject
    assert_spanish(parts, "Pague $65.00 para conservarlo", "siguiente participante en espera")


def test_a_changed_and_a_cancelled_class_are_told_in_spanish(app, seat):
    staff = factories.admin()
    moved = STARTS + timedelta(days=1)
    schedule.update_session(db.session, staff, seat.session,
                            {"starts_at": moved, "ends_at": moved + timedelta(hours=4),
                             "location": "Sala C"}, utcnow(), zone_name=ZONE)
    [changed] = db.session.scalars(select(Notification)
                                   .where(Notification.kind == "session_changed")).all()
    subject, text, html = parts = rendered(app, changed)
    assert subject == "Cambió su clase BLS Provider"
    assert_spanish(parts, f"Cuándo: antes {SPANISH_DATE}, 10:00 a.m. EST a 2:00 p.m. EST; "
                          "ahora martes, 7 de diciembre de 2027, 10:00 a.m. EST",
                   "Lugar: antes Sala B, 120 Harbor St; ahora Sala C", "Conserva su lugar")
    schedule.cancel_session(db.session, staff, seat.session, "Tormenta de nieve", utcnow())
    [cancelled] = db.session.scalars(select(Notification)
                                     .where(Notification.kind == "session_cancelled")).all()
    assert_spanish(rendered(app, cancelled), "Lo lamentamos", "Tormenta de nieve",
                   "Se canceló su lugar", "Busque otra clase", dated=False)


def test_account_and_password_mails_are_in_spanish(app, spanish):
    reset = queued("password_reset", spanish, {"reset_path": "/reset/abc", "valid_minutes": 60})
    subject, _, _ = parts = rendered(app, reset)
    assert subject == "Restablezca su contraseña de Lifeline Training Center"
    assert_spanish(parts, "durante 60 minutos", "su contraseña no cambiará", dated=False)
    created = queued("account_created", spanish, {"login_path": "/login"})
    assert_spanish(rendered(app, created), "Su cuenta está lista.", "Inicie sesión",
                   dated=False)


def test_the_certificate_mail_is_in_spanish_with_spanish_dates(app, spanish):
    card = factories.CertificateFactory(holder=spanish, course__title="BLS Provider")
    row = queued("certificate_issued", spanish, certificate_context(card),
                 subject=("certificate", card.id), certificate_id=card.id)
    subject, text, html = parts = rendered(app, row)
    assert subject == f"Su certificado de BLS Provider {card.code}"
    assert_spanish(parts, "Felicitaciones: aprobó", "Fecha de emisión", "Vigente hasta",
                   "Adjuntamos su tarjeta de bolsillo", dated=False)
    issued = card.issued_on
    assert f"{issued.day} de " in text and f"de {issued.year}" in text
    assert issued.isoformat() not in text


def test_an_english_learners_mail_is_unchanged(app):
    learner = factories.learner(full_name="Rosa Parks-Lee")
    class_session = factories.ClassSessionFactory(course__title="BLS Provider", starts_at=STARTS,
                                                  ends_at=STARTS + timedelta(hours=4),
                                                  enrollment_closes_at=STARTS)
    held = factories.EnrollmentFactory(session=class_session, learner=learner)
    row = queued("enrollment_confirmed", learner, seats.mail_context(held))
    subject, text, html = rendered(app, row)
    assert subject == "You're enrolled: BLS Provider on Monday, December 6, 2027, 10:00 AM EST"
    assert text.startswith("Hello Rosa Parks-Lee,\n\nYou have a seat in BLS Provider.\n")
    assert "When:  Monday, December 6, 2027, 10:00 AM EST to 2:00 PM EST" in text
    assert "<strong>When:</strong> Monday, December 6, 2027, 10:00 AM EST to 2:00 PM EST" in html
    assert "CPR, BLS and first-aid training" in text and '<html lang="en">' in html
    assert "lunes" not in text + html


def test_the_language_is_the_recipients_when_the_mail_is_sent(app):
    learner = factories.learner(full_name="Ana Díaz")
    class_session = factories.ClassSessionFactory(course__title="BLS Provider", starts_at=STARTS,
                                                  ends_at=STARTS + timedelta(hours=4),
                                                  enrollment_closes_at=STARTS)
    held = factories.EnrollmentFactory(session=class_session, learner=learner)
    row = queued("enrollment_confirmed", learner, seats.mail_context(held),
                 subject=("enrollment", held.id))
    learner.preferred_language = "es"  # switched after the mail was queued, before it went
    db.session.commit()
    message = mail.compose(db.session, row, app.config, app.jinja_env)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert message["Subject"] == f"Inscripción confirmada: BLS Provider, {SPANISH_DATE}, 10:00 a.m. EST"
    assert_spanish((message["Subject"], text, html), "Hola, Ana Díaz:", "Tiene un lugar en")


def test_the_receipt_attached_to_a_spanish_confirmation_is_in_spanish(app, seat):
    paid = datetime(2027, 11, 1, 15, 0, tzinfo=UTC)
    db.session.add(Payment(enrollment_id=seat.id, provider="stripe", status="paid",
                           amount_cents=6500, currency="usd", method="card", paid_at=paid))
    db.session.commit()
    row = queued("enrollment_confirmed", seat.learner, seats.mail_context(seat),
                 subject=("enrollment", seat.id))
    message = mail.compose(db.session, row, app.config, app.jinja_env)
    [receipt] = [part for part in message.iter_attachments()
                 if part.get_content_type() == "application/pdf"]
    page = pypdfium2.PdfDocument(receipt.get_content())[0].get_textpage().get_text_range()
    for expected in ("Recibo", "Número de recibo", "Participante", "Inicio de la clase",
                     SPANISH_DATE, "lunes, 1 de noviembre de 2027", "pagado", "65.00 USD"):
        assert expected in page, (expected, page)
    assert "Receipt number" not in page and "Class starts" not in page


@pytest.mark.parametrize(("kind", "extra", "phrase"), [
    ("enrollment_cancelled", {}, "Se canceló su lugar en"),
    ("payment_refunded", {"amount_cents": 6500, "currency": "usd", "payment_status": "refunded"},
     "Le reembolsamos su pago de"),
    ("stray_charge_refunded", {"amount_cents": 6500, "currency": "usd",
                               "reason": "already_settled"}, "que usted no debía"),
    ("enrollment_transferred", {"status": "waitlisted", "waitlist_position": 2,
                                "from_course_title": "BLS Provider", "from_when": "-",
                                "from_location": "Sala A", "from_starts_at": STARTS.isoformat(),
                                "from_ends_at": (STARTS + timedelta(hours=4)).isoformat()},
     "usted es el número 2 de su lista de espera"),
    ("order_invitation", {"organisation": "Acme", "redeem_path": "/redeem/1",
                          "voucher_code": "V-1"}, "Acme pagó un lugar para usted"),
    ("registration_attempt", {"login_path": "/login", "reset_path": "/reset"},
     "No se creó ninguna cuenta nueva"),
])
def test_the_other_learner_mails_are_in_spanish(app, seat, kind, extra, phrase):
    row = queued(kind, seat.learner, seats.mail_context(seat) | extra)
    assert_spanish(rendered(app, row), phrase, dated=kind != "order_invitation"
                   and kind != "registration_attempt")


def test_the_card_mails_are_in_spanish(app, spanish):
    card = factories.CertificateFactory(holder=spanish, course__title="BLS Provider")
    revoked = queued("certificate_revoked", spanish,
                     certificate_context(card) | {"revoked_reason": "Error de registro"})
    assert_spanish(rendered(app, revoked), "fue revocado por Lifeline Training Center",
                   "Motivo:", dated=False)
    listed = {"id": card.id, "code": card.code, "course_title": "BLS Provider",
              "issued_on": card.issued_on.isoformat(), "expires_on": card.expires_on.isoformat(),
              "status": "valid"}
    lookup = queued("card_lookup", spanish, {"certificates": [listed]})
    assert_spanish(rendered(app, lookup), "solicitó sus certificados", "(vigente)",
                   f"emitido el {rendered_day(card.issued_on)}", dated=False)


def rendered_day(day) -> str:
    from app.services.language import formatting
    return formatting.long_date(day, "es_US")
