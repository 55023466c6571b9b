"""The nurse's journey once in Spanish (API-2 §6), in a real browser whose language is Spanish:
she finds BLS, registers, enrolls and sees the class on /me, every page in Spanish. The words
are the Spanish catalog's (tests/support/catalogs), so the journey follows the translation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import BLS, NEW_PASSWORD, unique_email
from tests.support.catalogs import english_left_in, es

pytestmark = pytest.mark.e2e
TAG = re.compile(r"<[^>]+>")


def link_words(sentence: str) -> list[str]:
    """The words of each link in a translated sentence that holds links."""
    return re.findall(r"<a [^>]*>(.*?)</a>", sentence)


def listing_row_with_seats(page: Page, title: str):
    rows = page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
    return rows.filter(has_not_text=es("Full")).first


def no_english_on(page: Page) -> None:
    assert english_left_in(page.locator("body").inner_text()) == [], page.url


def register_in_spanish(page: Page, full_name: str, email: str) -> None:
    page.get_by_label(es("Full name (as it should appear on your card)")).fill(full_name)
    page.get_by_label(es("E-mail")).fill(email)
    page.get_by_label(es("Job title (optional)")).fill("Enfermera")
    page.get_by_label(es("Password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(es("Type the password again")).fill(NEW_PASSWORD)
    no_english_on(page)
    page.get_by_role("button", name=es("Create my account")).click()
    expect(page.get_by_text(es("Check your mail: we have sent a message to that address. If "
                               "your account is ready, sign in here."))).to_be_visible()
    page.get_by_label(es("E-mail")).fill(email)
    page.get_by_label(es("Password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=es("Sign in")).click()
    expect(page.get_by_role("button", name=es("Sign out"), exact=True)).to_be_visible()


def test_a_spanish_speaking_nurse_finds_bls_registers_enrolls_all_in_spanish(journey):
    page = journey(locale="es-MX")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label(es("Who are you?")).select_option(label=es("I am a nurse"))
    page.get_by_role("button", name=es("Show my classes")).click()
    need = TAG.sub("", es("You need: %(card)s", card="")).strip()
    expect(page.get_by_role("heading", name=re.compile(f"^{re.escape(need)}"))).to_be_visible()
    no_english_on(page)
    listing_row_with_seats(page, BLS).get_by_role("link", name=BLS, exact=True).click()
    expect(page.get_by_role("heading", name=BLS, level=1)).to_be_visible()
    no_english_on(page)
    invitation = es('<a href="%(sign_in)s">Sign in</a> or <a href="%(register)s">create an '
                    'account</a> to enroll.', sign_in="", register="")
    page.get_by_role("link", name=link_words(invitation)[1]).click()
    register_in_spanish(page, "Nadia Enfermera", unique_email("enfermera"))
    expect(page.get_by_role("heading", name=BLS, level=1)).to_be_visible()  # back at the class
    page.get_by_role("link", name=es("Review and enroll")).click()
    expect(page.get_by_role("heading", name=es("Review and enroll"))).to_be_visible()
    no_english_on(page)
    page.get_by_role("button", name=es("Enroll"), exact=True).click()
    expect(page.get_by_text(es("You have a seat in this class."))).to_be_visible()
    no_english_on(page)
    page.goto("/me")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    upcoming = page.get_by_role("region", name=es("Upcoming classes"))
    row = upcoming.get_by_role("row").filter(has=page.get_by_role("link", name=BLS, exact=True))
    expect(row).to_have_count(1)
    no_english_on(page)
