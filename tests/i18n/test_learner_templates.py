"""Every learner-facing template (public, auth, account, learner, verify pages, and the mail
to learners) leaves no text outside gettext: a string a translator cannot reach would show
English on a Spanish page."""

from __future__ import annotations

import re

import pytest

from tests.i18n.test_staff_english import ROOT, TEMPLATES, staff_templates
from tests.i18n.untranslated import unwrapped_text

# Pieces with letters that read the same in every language: the product's name in the page
# title, a file format.
ALLOWED = frozenset({"· Lifeline", "PDF"})
# A link a mail prints in full ({{ base_url }}/verify/{{ code }} leaves "/verify/").
ADDRESS = re.compile(r"(https?://|/)\S*")


def language_in(source: str, html: bool) -> list[str]:
    return [piece for piece in unwrapped_text(source, html=html, allowed=ALLOWED)
            if not all(ADDRESS.fullmatch(token) for token in piece.split())]


def learner_templates():
    staff = set(staff_templates())
    return [path for path in sorted(TEMPLATES.rglob("*"))
            if path.suffix in (".html", ".txt") and path not in staff]


@pytest.mark.parametrize("template", learner_templates(),
                         ids=lambda path: path.relative_to(TEMPLATES).as_posix())
def test_learner_templates_leave_no_text_outside_gettext(template):
    found = language_in(template.read_text(encoding="utf-8"), html=template.suffix == ".html")
    assert found == [], f"{template.relative_to(ROOT)}: wrap these in _() or a trans block"


def test_addresses_pass_and_words_do_not():
    assert language_in("{{ base_url }}/verify/{{ code }}\nSee {{ base_url }}/me", html=False) \
        == ["See /me"]


def test_the_learner_template_list_covers_pages_and_mail():
    names = {path.relative_to(TEMPLATES).as_posix() for path in learner_templates()}
    assert {"base.html", "public/index.html", "learner/me.html", "verify/record.html",
            "email/enrollment_confirmed.txt", "orders/redeem.html"} <= names
    assert "admin/index.html" not in names
