"""The design in a real browser: every page as each role, on a desktop and on a 390 px phone,
has no critical or serious axe-core violation and no horizontal scroll; a screenshot of each is
saved to tests/e2e/artifacts/ for review. Confirmation steps work with and without JavaScript.

One browser; each role signs in once and its phone context reuses the desktop's cookies."""

from __future__ import annotations

import re
from itertools import product

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from app.demo.data import INSTRUCTOR2_EMAIL
from tests.e2e.conftest import ACTION_TIMEOUT_MS, ARTIFACTS
from tests.e2e.test_journeys import ADMIN, DEMO_LEARNER, EMPLOYER, INSTRUCTOR, PASSWORD

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("critical", "serious")
AXE = Axe()


def first_link(page: Page, pattern: str) -> str:
    """The first link on the page whose address matches (e.g. a session's page); an absolute
    link to this server (a redeem link) counts by its path."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
        path = href.removeprefix(origin)
        if re.fullmatch(pattern, path):
            return path
    raise AssertionError(f"no link like {pattern} on {page.url}")


def first_link_on_any(page: Page, paths: list[str], pattern: str) -> str:
    """The first link like `pattern` on the first of these pages that has one."""
    for path in paths:
        page.goto(path)
        try:
            return first_link(page, pattern)
        except AssertionError:
            continue
    raise AssertionError(f"no link like {pattern} on any of {paths}")


def links_on(page: Page, pattern: str) -> list[str]:
    """Every link on the page whose address matches, in page order."""
    return [href for href in page.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.getAttribute('href'))") if re.fullmatch(pattern, href)]


# Error pages, as (address, the status it must answer): every other page answers 200.
NOT_FOUND = ("/sessions/999999", 404)
FORBIDDEN = ("/admin/", 403)
OSHA_FORM_ERRORS = ("/admin/records/osha?session=x", 422)  # the record form with its errors


def pages_of(role: str, page: Page) -> list[str | tuple[str, int]]:
    """The addresses each audience sees, found from the pages themselves (ids differ per run).

    Not here, as no GET answers them: the import preview (the answer to the upload's POST,
    checked by its own test below), the credential check's result (POST /verify/credential)
    and a list of the employer's orders (they are on /employer; /employer/orders only takes
    the new order's POST)."""
    page.goto("/")
    sessions = list(dict.fromkeys(links_on(page, r"/sessions/\d+")))
    session = sessions[0]
    if role == "visitor":
        return ["/", "/?who=teacher", session, "/verify", "/cards/lookup", "/login", "/register",
                "/forgot-password", NOT_FOUND]
    if role == "learner":
        page.goto("/me")
        code = first_link(page, r"/verify/[0-9A-Z-]+")
        cancel = first_link(page, r"/enrollments/\d+/cancel")
        review = first_link_on_any(page, sessions, r"/sessions/\d+/review")
        # Where Checkout returns to: no page links it, the learner's own place has one.
        payment = cancel.removesuffix("/cancel") + "/payment"
        return ["/me", session, review, cancel, payment, code, f"{code}?preset=bls",
                "/account/password", FORBIDDEN]
    if role == "instructor":
        page.goto("/instructor")
        return ["/instructor", first_link(page, r"/instructor/sessions/\d+")]
    if role == "blended-instructor":  # teaches the demo's blended class: its online parts
        page.goto("/instructor")
        rosters = list(dict.fromkeys(links_on(page, r"/instructor/sessions/\d+")))
        for roster in rosters:
            page.goto(roster)
            if page.locator("#online-parts-heading").count():
                return ["/instructor", roster]
        raise AssertionError(f"no roster with the online parts among {rosters}")
    if role == "employer":
        page.goto("/employer")
        remove = first_link(page, r"/employer/watch-list/\d+/remove")
        code = first_link(page, r"/verify/[0-9A-Z-]+")
        order = first_link(page, r"/employer/orders/\d+")
        new_order = first_link(page, r"/employer/orders/new")
        class_request = first_link(page, r"/employer/class-requests/new")
        page.goto(order)
        redeem = first_link(page, r"/redeem/[0-9A-Z-]+")
        return ["/employer", "/employer?within=90", "/employer/checks", remove, code,
                f"{code}?preset=bls", order, new_order, class_request, redeem]
    page.goto("/admin/sessions")
    admin_session = first_link(page, r"/admin/sessions/\d+")
    page.goto("/admin/users")
    user = first_link(page, r"/admin/users/\d+")
    page.goto("/admin/certificates")
    certificate = first_link(page, r"/admin/certificates/\d+")
    page.goto("/admin/courses")
    keycodes = first_link(page, r"/admin/courses/\d+/keycodes")  # a blended course's bank
    page.goto("/admin/orders")
    order = first_link(page, r"/admin/orders/\d+")
    page.goto("/admin/outbox")
    mail = first_link(page, r"/admin/outbox/\d+")
    return ["/admin/", "/admin/courses", keycodes, "/admin/sessions", "/admin/sessions/new",
            admin_session, "/admin/users", user, "/admin/certificates", certificate,
            "/admin/payments", "/admin/orders", order, "/admin/class-requests", "/admin/audit",
            "/admin/outbox", mail, "/admin/records/", "/admin/records/reports",
            "/admin/records/import", OSHA_FORM_ERRORS]


ACCOUNTS = {"visitor": None, "learner": DEMO_LEARNER, "instructor": INSTRUCTOR,
            "blended-instructor": INSTRUCTOR2_EMAIL, "employer": EMPLOYER, "admin": ADMIN}


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
    """A screenshot's name for a page: stable across runs (certificate codes and vouchers differ)."""
    path = re.sub(r"/(verify|redeem)/[0-9A-Z-]+", r"/\1/code", path)
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def problems_on(page: Page, path: str, label: str, phone: bool, expected: int = 200) -> list[str]:
    response = page.goto(path)
    found = []
    if response is None or response.status != expected:
        found.append(f"{label} {path}: answered {response.status if response else 'nothing'}, "
                     f"not {expected}")
    return found + problems_here(page, path, label, phone)


def problems_here(page: Page, path: str, label: str, phone: bool) -> list[str]:
    """The axe violations and the phone overflow of the page as it is now; its screenshot."""
    found = []
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
        for entry in pages_of(role, page):
            path, status = entry if isinstance(entry, tuple) else (entry, 200)
            found += problems_on(page, path, f"{role}-desktop", phone=False, expected=status)
            found += problems_on(phone_page, path, f"{role}-phone", phone=True, expected=status)
    finally:
        desktop.close()
        phone.close()
    assert not found, "\n".join(found)


LEGACY_HEADER = ("code,holder_name,holder_email,course_code,issued_on,expires_on,instructor_name,"
                 "external_issuer,external_id,status,revoked_reason\n")
GOOD_RECORD = ("OLD-2019-000123,Robin Legacy-Hartmann,robin.legacy@example.test,BLS-HCP,2025-03-04,,"
               "Pat Instructor,AHA,235400000001,valid,\n")
BAD_RECORD = "OLD-2019-000124,Sam Legacy,sam.legacy@example.test,NO-SUCH-COURSE,2025-03-04,,,,,valid,\n"
# The preview of a file with an error (the errors, then its first rows) and of a good one
# (what importing it would do, and the button that does it).
LEGACY_FILES = {"errors": LEGACY_HEADER + GOOD_RECORD + BAD_RECORD, "ready": LEGACY_HEADER + GOOD_RECORD}


def test_the_import_preview_is_accessible_and_fits_a_phone(browser, live_server):
    """The preview answers the upload's POST (no GET reaches it): uploaded on each screen."""
    desktop, page, phone, phone_page = signed_in_contexts(browser, live_server["url"], ADMIN)
    try:
        found = []
        for (screen, on_screen), (kind, records) in product(
                (("desktop", page), ("phone", phone_page)), LEGACY_FILES.items()):
            on_screen.goto("/admin/records/import")
            on_screen.locator("input[type=file]").set_input_files(
                {"name": "legacy.csv", "mimeType": "text/csv", "buffer": records.encode()})
            on_screen.get_by_role("button", name="Check the file").click()
            expect(on_screen.get_by_role("heading", level=1)).to_have_text("Import preview")
            found += problems_here(on_screen, f"/admin/records/import/preview-{kind}",
                                   f"admin-{screen}", phone=screen == "phone")
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
