"""The public pages, the sign-in, registration and account pages, the error page, the lost-card
look-up and the unsubscribe page in Spanish (?lang=es, or a user who prefers Spanish): Spanish
text, none of the English page text, and the course descriptions in Spanish."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Course, Notification, User
from app.models.base import utcnow
from app.services import accounts, catalog
from app.services.catalog.standard import STANDARD_COURSES
from app.services.notifications import mail
from tests import factories


def page(client, path: str, status: int = 200, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == status, path
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html
    return html


def has_all(html: str, *texts: str) -> None:
    missing = [text for text in texts if text not in html]
    assert not missing, missing


def has_none(html: str, *texts: str) -> None:
    present = [text for text in texts if text in html]
    assert not present, present


@pytest.fixture
def standard_class(db):
    """The standard catalog, with a BLS class next week."""
    catalog.load_catalog(db.session, STANDARD_COURSES)
    bls = catalog.course_by_code(db.session, "BLS-HCP")
    return factories.ClassSessionFactory(course=bls, location="Training Room A",
                                         starts_at=utcnow() + timedelta(days=7))


def test_the_class_list_is_in_spanish_with_the_spanish_course_descriptions(client, standard_class):
    html = page(client, "/?lang=es")
    has_all(html, "Clases de RCP, BLS y primeros auxilios", "¿Qué clase necesito?",
            "¿Quién es usted?", "Trabajo en enfermería", "Elija…", "Mostrar mis clases",
            "Próximas clases", "Lugares disponibles", "Nuestros cursos", "vigente por 24 meses",
            "Incluye primeros auxilios", "Más filtros: una tarjeta específica, nivel, tema, fechas",
            "RCP para profesionales de la salud: RCP de alta calidad en adultos, niños y lactantes",
            "Una clase más breve para quienes tienen una tarjeta BLS vigente")
    has_none(html, "Which class do I need?", "Who are you?", "I am a nurse", "Choose…",
             "Show my classes", "Upcoming classes", "Seats left", "Our courses", "valid 24 months",
             "Includes first aid", "More filters", "Classes starting from",
             "CPR at the healthcare-provider level: high-quality CPR",
             "A shorter class for holders")


def test_the_class_list_in_english_keeps_the_english_descriptions(client, standard_class):
    html = client.get("/?lang=en").get_data(as_text=True)
    has_all(html, "Which class do I need?", "Our courses", "valid 24 months",
            "CPR at the healthcare-provider level: high-quality CPR")
    has_none(html, "RCP para profesionales de la salud", "¿Qué clase necesito?")


def test_a_course_without_a_spanish_description_shows_its_english_one(client, db):
    factories.CourseFactory(title="Harbor Lifeguard CPR", description="Rescue at the pier.",
                            description_es=None)
    factories.CourseFactory(title="Muelle", description="English words here.",
                            description_es="Rescate en el muelle.")
    html = page(client, "/?lang=es")
    has_all(html, "Rescue at the pier.", "Rescate en el muelle.")
    assert "English words here." not in html


def test_the_finder_explains_in_spanish(client, standard_class):
    html = page(client, "/?lang=es&who=nurse")
    has_all(html, "Usted necesita: BLS (RCP para profesionales de la salud)",
            "BLS (Soporte Vital Básico) es la RCP para profesionales de la salud",
            "Es decir, una tarjeta de nivel", "Cursos que otorgan esa tarjeta",
            "Próximas clases que cumplen con ese requisito", "Recomendado", "La más adecuada")
    has_none(html, "You need:", "BLS is CPR at the healthcare-provider level", "That means a card",
             "Courses that give such a card", "Upcoming classes that satisfy it", "Recommended",
             "Best fit")
    preset = page(client, "/?lang=es&preset=workplace_cpr_aed")
    has_all(preset, "Usted necesita: RCP y DEA en el lugar de trabajo",
            "RCP y DEA en el lugar de trabajo: Lugares de trabajo en general, personal de "
            "gimnasios")
    has_none(preset, "Workplace CPR and AED", "General workplaces, fitness staff")
    employer = page(client, "/?lang=es&who=employer_card")
    has_all(employer, "Elija lo que indica la carta de su empleador")
    nothing = page(client, "/?lang=es&date_from=2001-01-01&date_to=2001-01-02")
    has_all(nothing, "Todavía no hay clases que coincidan con estas opciones")
    has_none(nothing, "No classes match")


def test_a_class_page_is_in_spanish(client, standard_class):
    html = page(client, f"/sessions/{standard_class.id}?lang=es")
    has_all(html, "← Todas las clases", "Cuándo", "Dónde", "Precio", "Lugares disponibles",
            "Instructor", "Vigencia de la tarjeta", "24 meses", "Agregar al calendario (.ics)",
            "Política de cancelación", "horas antes del inicio para recibir un reembolso completo",
            "Su lugar", "Inicie sesión</a> o", "para inscribirse.",
            "RCP para profesionales de la salud: RCP de alta calidad en adultos")
    has_none(html, "All classes", "Seats left", "Card valid for", "Add to calendar",
             "Cancellation policy", "Your place", "create an account", "to enroll",
             "CPR at the healthcare-provider level: high-quality CPR")


def test_a_learner_who_prefers_spanish_sees_the_class_page_in_spanish(client, login,
                                                                      standard_class):
    login(factories.learner(preferred_language="es"))
    html = page(client, f"/sessions/{standard_class.id}")
    has_all(html, "Al inscribirse, le reservamos un lugar por", "Revisar e inscribirse")
    has_none(html, "Enrolling holds a seat", "Review and enroll")


def test_the_sign_in_and_registration_pages_are_in_spanish(client, db):
    login_page = page(client, "/login?lang=es")
    has_all(login_page, "Iniciar sesión", "Correo electrónico", "Contraseña",
            "Mantener la sesión iniciada en este dispositivo", "¿Olvidó su contraseña?",
            "¿Primera vez aquí?", "Cree una cuenta")
    has_none(login_page, "Password", "Keep me signed in", "Forgot your password?", "New here?")
    register = page(client, "/register")  # the language chosen above is kept (cookie)
    has_all(register, "Crear una cuenta", "Nombre completo (tal como debe figurar en su tarjeta)",
            "Cargo (opcional)", "Escriba la contraseña otra vez", "Crear mi cuenta",
            "¿Ya tiene una cuenta?")
    has_none(register, "Full name", "Job title", "Type the password again", "Create my account",
             "Already registered?")
    forgot = page(client, "/forgot-password?lang=es")
    has_all(forgot, "Restablezca su contraseña", "Enviarme un enlace")
    has_none(forgot, "Reset your password", "Send me a link", "Type the e-mail address")


def test_sign_in_and_registration_problems_are_in_spanish(client, db):
    wrong = client.post("/login?lang=es", data={"email": "nobody@example.test",
                                                "password": "not this one"})
    assert wrong.status_code == 401
    assert "El correo electrónico o la contraseña no son correctos." in wrong.get_data(as_text=True)
    short = client.post("/register?lang=es", data={
        "full_name": "Ana", "email": "not an address", "password": "short", "confirm": "other"})
    html = short.get_data(as_text=True)
    assert short.status_code == 422
    has_all(html, "Use al menos 10 caracteres.", "Las contraseñas no coinciden.",
            "Esto no parece una dirección de correo electrónico válida.")
    has_none(html, "Use at least", "The passwords differ.", "does not look like")


def test_registering_in_spanish_keeps_spanish_as_the_learners_language(client, db):
    response = client.post("/register?lang=es", data={
        "full_name": "Ana Enfermera", "email": "ana@example.test",
        "password": "long enough pw", "confirm": "long enough pw"}, follow_redirects=True)
    assert "Revise su correo: enviamos un mensaje a esa dirección." in response.get_data(
        as_text=True)
    user = db.session.scalar(select(User).where(User.email == "ana@example.test"))
    assert user.preferred_language == "es"


def test_the_password_pages_are_in_spanish(app, client, login, db):
    user = factories.learner(preferred_language="es")
    token = accounts.password_reset_token(user, utcnow(), app.config["SECRET_KEY"])
    reset = page(client, f"/reset-password/{token}?lang=es")
    has_all(reset, "Elija una contraseña nueva", "Contraseña nueva", "Guardar mi contraseña nueva")
    has_none(reset, "Choose a new password", "New password", "Save my new password")
    broken = page(client, "/reset-password/not-a-token?lang=es", status=404)
    has_all(broken, "Este enlace para restablecer la contraseña no es válido",
            "Solicitar un enlace nuevo")
    has_none(broken, "This reset link is invalid", "Ask for a new link")
    login(user)
    change = page(client, "/account/password")
    has_all(change, "Cambie su contraseña", "Contraseña actual", "Cambiar la contraseña",
            "¿Tiene la sesión iniciada en otro lugar?", "Cerrar sesión en todas partes")
    has_none(change, "Change your password", "Current password", "Signed in elsewhere?",
             "Sign out everywhere")
    wrong = client.post("/account/password", data={
        "current_password": "not the password", "password": "a new long password",
        "confirm": "a new long password"})
    assert "Esta no es su contraseña actual." in wrong.get_data(as_text=True)


def test_the_error_page_is_in_spanish(client, db):
    html = page(client, "/no-such-page?lang=es", status=404)
    has_all(html, "No encontrado", "No hay ninguna página en esta dirección",
            "Volver a la lista de clases")
    has_none(html, "Not found", "requested URL", "Back to the class list")
    english = client.get("/no-such-page?lang=en").get_data(as_text=True)
    has_all(english, "Not found", "There is no page at this address", "Back to the class list")
    api = client.get("/api/v1/no-such-thing?lang=es").get_json()
    assert api["error"] == "not_found" and "página" not in api["message"]


def test_the_lost_card_page_is_in_spanish_and_mails_in_spanish(client, app, db):
    holder = factories.learner(full_name="Ann Lee", email="ann@example.test")
    factories.CertificateFactory(holder=holder, course__title="BLS Provider")
    html = page(client, "/cards/lookup?lang=es")
    has_all(html, "¿Perdió su tarjeta?", "Su nombre completo",
            "Su dirección de correo electrónico", "Enviarme mis certificados por correo",
            "¿Tiene el código de un certificado?", "Verifíquelo aquí")
    has_none(html, "Lost your card?", "Your full name", "E-mail me my certificates",
             "Have a certificate code?")
    done = client.post("/cards/lookup?lang=es", data={"name": "Ann Lee",
                                                      "email": "ann@example.test"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Si tenemos certificados a ese nombre" in done
    db.session.expire_all()
    [lookup] = db.session.scalars(select(Notification).where(Notification.kind == "card_lookup"))
    assert lookup.context["language"] == "es"
    empty = client.post("/cards/lookup?lang=es", data={"name": "", "email": ""})
    has_all(empty.get_data(as_text=True), "Necesitamos su nombre.",
            "Necesitamos su dirección de correo electrónico.")


def test_the_unsubscribe_pages_are_in_spanish(client, app, db):
    holder = factories.learner()
    link = mail.unsubscribe_url(holder.id, app.config).removeprefix(app.config["PUBLIC_BASE_URL"])
    ask = page(client, f"{link}?lang=es")
    has_all(ask, "Recordatorios de renovación", "Cancelar la suscripción a los recordatorios",
            "Seguirá recibiendo los demás correos sobre sus clases")
    has_none(ask, "Renewal reminders", "Unsubscribe from reminders", "Other e-mails")
    done = client.post(f"{link}?lang=es").get_data(as_text=True)
    has_all(done, "Se canceló su suscripción.", "Mis clases</a>")
    has_none(done, "You are unsubscribed", "stay valid and on record")


def test_a_page_that_needs_signing_in_says_so_in_spanish(client, db):
    html = client.get("/account/password?lang=es", follow_redirects=True).get_data(as_text=True)
    assert "Inicie sesión para ver esta página." in html
    assert "Please log in" not in html


def test_an_admin_writes_the_spanish_description_and_spanish_pages_show_it(db, login):
    client = login(factories.admin())
    course_form = {
        "code": "cpr-es", "family": "heartsaver_cpr", "title": "Adult CPR for Coaches",
        "description": "Two hours of adult CPR.", "description_es": "Dos horas de RCP en adultos.",
        "level": "lay_rescuer", "topics": ["adult_cpr", "aed"], "guidelines": ["AHA"],
        "validity_months": "24", "expiry_rule": "end_of_month", "format": "classroom",
        "duration_minutes": "120", "default_capacity": "10", "price": "45.50"}
    assert client.post("/admin/courses/new", data=course_form).status_code == 302
    course = db.session.scalar(select(Course).where(Course.code == "CPR-ES"))
    assert course.description_es == "Dos horas de RCP en adultos."
    spanish = client.get("/?lang=es").get_data(as_text=True)
    assert "Dos horas de RCP en adultos." in spanish and "Two hours of adult CPR." not in spanish
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Two hours of adult CPR." in english and "Dos horas" not in english
    cleared = client.post(f"/admin/courses/{course.id}/edit",
                          data=course_form | {"code": "CPR-ES", "description_es": ""})
    assert cleared.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).description_es is None
