"""The design in a real browser: every page as each role, on a desktop and on a 390 px phone,
has no critical or serious axe-core violation and no horizontal scroll; a screenshot of each is
saved to tests/e2e/artifacts/ for review. Confirmation steps work with and without JavaScript.

One browser; each role signs in once and its phone context reuses the desktop's cookies."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ACTION_TIMEOUT_MS, ARTIFACTS
from tests.e2e.test_journeys import ADMIN, DEMO_LEARNER, EMPLOYER, INSTRUCTOR, PASSWORD

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("critical", "serious")
AXE = Axe()


def first_link(page: Page, pattern: str) -> str:
    """The first link on the page whose address matches (e.g. a session's page)."""
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
        if re.fullmatch(pattern, href):
            return href
    raise AssertionError(f"no link like {pattern} on {page.url}")


def pages_of(role: str, page: Page) -> list[str]:
    """The addresses each audience sees, found from the pages themselves (ids differ per run)."""
    page.goto("/")
    session = first_link(page, r"/sessions/\d+")
    if role == "visitor":
        return ["/", "/?who=teacher", session, "/verify", "/login", "/register", "/forgot-password"]
    if role == "learner":
        page.goto("/me")
        code = first_link(page, r"/verify/[0-9A-Z-]+")
        cancel = first_link(page, r"/enrollments/\d+/cancel")
        return ["/me", session, cancel, code, f"{code}?preset=bls", "/account/password"]
    if role == "instructor":
        page.goto("/instructor")
        return ["/instructor", first_link(page, r"/instructor/sessions/\d+")]
    if role == "employer":
        page.goto("/employer")
        remove = first_link(page, r"/employer/watch-list/\d+/remove")
        code = first_link(page, r"/verify/[0-9A-Z-]+")
        return ["/employer", "/employer?within=90", "/employer/checks", remove, code,
                f"{code}?preset=bls"]
    page.goto("/admin/sessions")
    admin_session = first_link(page, r"/admin/sessions/\d+")
    page.goto("/admin/users")
    user = first_link(page, r"/admin/users/\d+")
    page.goto("/admin/certificates")
    certificate = first_link(page, r"/admin/certificates/\d+")
    return ["/admin/", "/admin/courses", "/admin/sessions", "/admin/sessions/new", admin_session,
            "/admin/users", user, "/admin/certificates", certificate, "/admin/audit",
            "/admin/outbox", "/admin/records/", "/admin/records/reports",
            "/admin/records/import"]


ACCOUNTS = {"visitor": None, "learner": DEMO_LEARNER, "instructor": INSTRUCTOR,
            "employer": EMPLOYER, "admin": ADMIN}


def signed_in_contexts(browser: Browser, base_url: str, email: str | None):
    desktop = browser.new_context(base_url=base_url, viewport=DESKTOP)
    desktop.set_default_timeout(ACTION_TIMEOUT_MS)
    page = desktop.new_page()
    if email:
        page.goto("/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    phone = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True,
                                has_touch=True, storage_state=desktop.storage_state())
    phone.set_default_timeout(ACTION_TIMEOUT_MS)
    return desktop, page, phone, phone.new_page()


def slug(path: str) -> str:
    """A screenshot's name for a page: stable across runs (certificate codes differ)."""
    path = re.sub(r"/verify/[0-9A-Z-]+", "/verify/code", path)
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def problems_on(page: Page, path: str, label: str, phone: bool) -> list[str]:
    response = page.goto(path)
    found = []
    if response is None or response.status >= 400:
        found.append(f"{label} {path}: answered {response.status if response else 'nothing'}")
    violations = AXE.run(page).response["violations"]
    for violation in violations:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"{label} {path}: axe {violation['impact']} {violation['id']} "
                         f"({violation['help']}) at {targets}")
    if phone:
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            found.append(f"{label} {path}: {width[0]} px wide on a {width[1]} px phone")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{label}-{slug(path)}.png"), full_page=True)
    return found


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_is_accessible_and_fits_a_phone(browser, live_server, role):
    desktop, page, phone, phone_page = signed_in_contexts(browser, live_server["url"],
                                                          ACCOUNTS[role])
    try:
        found = []
        for path in pages_of(role, page):
            found += problems_on(page, path, f"{role}-desktop", phone=False)
            found += problems_on(phone_page, path, f"{role}-phone", phone=True)
    finally:
        desktop.close()
        phone.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("java_script", [True, False], ids=["javascript", "no-javascript"])
def test_confirmation_steps_state_the_consequence_and_can_be_left(new_page, java_script):
    learner = new_page(java_script=java_script)
    learner.goto("/login")
    learner.get_by_label("E-mail").fill(DEMO_LEARNER)
    learner.get_by_label("Password", exact=True).fill(PASSWORD)
    learner.get_by_role("button", name="Sign in").click()
    learner.goto("/me")
    upcoming = learner.get_by_role("region", name="Upcoming")
    upcoming.get_by_role("link", name=re.compile("^(Cancel|Leave the waitlist of) ")).first.click()
    expect(learner.get_by_role("heading", level=1)).to_contain_text(
        re.compile("^(Cancel your seat|Leave the waitlist)"))
    expect(learner.get_by_text("This cannot be undone.")).to_be_visible()
    learner.get_by_role("link", name="Keep my place").click()
    expect(learner).to_have_url(re.compile("/me$"))

    employer = new_page(java_script=java_script)
    employer.goto("/login")
    employer.get_by_label("E-mail").fill(EMPLOYER)
    employer.get_by_label("Password", exact=True).fill(PASSWORD)
    employer.get_by_role("button", name="Sign in").click()
    employer.goto("/employer")
    employer.get_by_role("link", name=re.compile("^Remove .* from the watch list")).first.click()
    expect(employer.get_by_text("you no longer see when it expires")).to_be_visible()
    employer.get_by_role("link", name="Keep watching").click()
    expect(employer).to_have_url(re.compile("/employer$"))
