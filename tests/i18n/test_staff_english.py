"""Staff and employer pages stay English for now (/admin, /instructor, /employer), whatever
the reader asked for, and their templates leave no text outside gettext, so a later catalog
can translate them (tests/i18n/untranslated.py has the rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.i18n.untranslated import unwrapped_text
from tests.support.login import log_in

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
STAFF_MAILS = ("authorisation_reminder", "instructor_roster", "keycodes_low", "low_enrollment",
               "order_invoice", "class_scheduled")
# Pieces with letters that are data, not language: an admin path printed in a plain-text mail.
ALLOWED = frozenset({"/admin/courses"})

STAFF_PAGES = [
    ("admin", "/admin/", "Today at"),
    ("instructor", "/instructor", "<h1>My classes</h1>"),
    ("employer", "/employer", "Check many codes at once"),
]


def staff_templates() -> list[Path]:
    pages = [path for folder in ("admin", "instructor", "records", "employer", "orders")
             for path in sorted((TEMPLATES / folder).glob("*.html"))
             if path.relative_to(TEMPLATES).as_posix() != "orders/redeem.html"]
    mails = [path for kind in STAFF_MAILS
             for path in sorted((TEMPLATES / "email").glob(f"{kind}.*"))]
    return pages + mails


def staff_user(role: str):
    return getattr(factories, role)(preferred_language="es")


def page(client, path: str, **headers):
    response = client.get(path, headers=headers, follow_redirects=True)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "path", "heading"), STAFF_PAGES)
def test_a_staff_user_who_prefers_spanish_still_gets_english_staff_pages(client, db, role, path,
                                                                         heading):
    user = staff_user(role)
    log_in(client, user)
    client.set_cookie("lang", "es")
    html = page(client, path, **{"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="en">' in html
    assert heading in html
    assert "Iniciar sesión" not in html and "Cerrar sesión" not in html
    assert '<html lang="es">' in page(client, "/verify")  # the same reader, a public page


@pytest.mark.parametrize(("role", "path", "heading"), STAFF_PAGES)
def test_asking_for_spanish_on_a_staff_page_keeps_it_english_and_the_choice_unsaved(
        client, db, role, path, heading):
    user = staff_user(role)
    user.preferred_language = "en"
    db.session.commit()
    log_in(client, user)
    html = page(client, f"{path}?lang=es")
    assert '<html lang="en">' in html and heading in html
    db.session.refresh(user)
    assert user.preferred_language == "en"


@pytest.mark.parametrize("template", staff_templates(),
                         ids=lambda path: path.relative_to(TEMPLATES).as_posix())
def test_staff_templates_leave_no_text_outside_gettext(template):
    found = unwrapped_text(template.read_text(encoding="utf-8"),
                           html=template.suffix == ".html", allowed=ALLOWED)
    assert found == [], f"{template.relative_to(ROOT)}: wrap these in _() or a trans block"


def test_the_staff_template_list_is_not_empty():
    names = {path.relative_to(TEMPLATES).as_posix() for path in staff_templates()}
    assert "admin/index.html" in names and "email/keycodes_low.txt" in names
    assert "orders/redeem.html" not in names


@pytest.mark.parametrize(("source", "found"), [
    ("<h1>Schedule</h1>", ["Schedule"]),
    ("<h1>{{ _('Schedule') }}</h1>", []),
    ('<nav aria-label="Staff"></nav>', ["Staff"]),
    ('<nav aria-label="{{ _(\'Staff\') }}" class="subnav"></nav>', []),
    ('<td data-label="When">{{ when }}</td>', ["When"]),
    ('<a href="/admin/courses" class="button">→</a>', []),
    ("<p>Page {{ page }}</p>", ["Page"]),
    ("<p>{% trans n=page %}Page <b>{{ n }}</b>{% endtrans %}</p>", []),
    ("{# a comment #}<p>{{ s.seats_taken }} / {{ s.capacity }} · —</p>", []),
    ("<script>var label = 'not checked';</script><style>p { color: red }</style>", []),
    ("<p>Lifeline</p>", []),
])
def test_unwrapped_text_rules(source, found):
    assert unwrapped_text(source, allowed={"Lifeline"}) == found


def test_unwrapped_text_in_plain_text_mail_checks_every_line():
    source = '{{ _("Hello %(name)s,", name=name) }}\n\nSee you soon.\n{{ url }}\n'
    assert unwrapped_text(source, html=False) == ["See you soon."]


def test_a_form_refused_for_a_lazy_validator_message_flashes_it_as_text(client, db):
    """Validator messages are lazy catalog entries: joined into a flash line, they are text."""
    log_in(client, factories.employer())
    response = client.post("/employer/watch-list", data={"code": "", "employee_name": ""},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give the code from the employee&#39;s card." in html
