"""The product as its users meet it, in a real browser against the demo data (API.md "Web pages").

Every journey signs in or registers its own people; the journeys that need a finished class share
today's demo class, whose outcomes are recorded once (by the instructor's journey, or on demand).
Elements are found by role, label and text, the way a user (or a screen reader) finds them.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.e2e

PASSWORD = "lifeline-demo"
NEW_PASSWORD = "a-long-enough-passphrase"
ADMIN = "admin@lifeline.test"
INSTRUCTOR = "instructor@lifeline.test"
EMPLOYER = "hr@employer.test"
DEMO_LEARNER = "learner@lifeline.test"
BLS = "AHA BLS for Healthcare Providers"
HEARTSAVER = "AHA Heartsaver CPR AED (adult)"
# Today's demo class (HS-CPR-AED, instructor@): two pass, one does not turn up.
TODAYS_OUTCOMES = {"Marcus Brown": "Passed", "Aisha Johnson": "Passed", "Ben Carter": "No-show"}
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")

# What journeys learn that later ones may reuse (each can also get it on its own).
STATE: dict[str, object] = {}


# --- steps a user takes ------------------------------------------------------------------------

def unique_email(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:10]}@example.com"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def fill_registration(page: Page, full_name: str, email: str, job_title: str = "") -> None:
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Job title").fill(job_title)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    # The answer is the same whether the address had an account (issue 14): then sign in.
    expect(page.get_by_text("Check your mail")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()


def register(page: Page, full_name: str, next_path: str | None = None) -> str:
    email = unique_email("learner")
    page.goto(f"/register?next={next_path}" if next_path else "/register")
    fill_registration(page, full_name, email)
    return email


def listing_row(page: Page, title: str, with_seats: bool = True):
    """The first row of the upcoming-classes table for this course (with seats left, or full)."""
    rows = page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
    rows = rows.filter(has_not_text="Full") if with_seats else rows.filter(has_text="Full")
    return rows.first


def my_classes_row(page: Page, title: str):
    page.goto("/me")
    upcoming = page.get_by_role("region", name="Upcoming")
    return upcoming.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


def enroll_here(page: Page) -> None:
    page.get_by_role("link", name="Review and enroll").click()
    expect(page.get_by_role("heading", name="Review and enroll")).to_be_visible()
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("You're enrolled")).to_be_visible()
    expect(page.get_by_text("You have a seat in this class.")).to_be_visible()


def schedule_session(page: Page, course_label: str, location: str, capacity: int,
                     days_ahead: int = 30) -> int:
    """As the signed-in admin: schedule one session; answers its id."""
    page.goto("/admin/sessions/new")
    page.get_by_label("Course", exact=True).select_option(label=course_label)
    page.get_by_label("Instructor", exact=True).select_option(label=f"Dana Whitfield ({INSTRUCTOR})")
    day = date.today() + timedelta(days=days_ahead)
    page.get_by_label("Starts (center time)").fill(f"{day.isoformat()}T10:00")
    page.get_by_label("Place", exact=True).fill(location)
    page.get_by_label("Capacity (empty: the course's default)").fill(str(capacity))
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Scheduled 1 session")).to_be_visible()
    page.get_by_role("row").filter(has_text=location).get_by_role("link").click()
    expect(page.get_by_text(location).first).to_be_visible()
    return int(re.search(r"/admin/sessions/(\d+)", page.url).group(1))


def record_todays_outcomes(page: Page) -> dict[str, str]:
    """As the instructor: today's class, outcomes for all three, finalised; answers name → code."""
    sign_in(page, INSTRUCTOR)
    page.get_by_role("link", name="Teaching").click()
    today = page.get_by_role("region", name="Today", exact=True)
    today.get_by_role("link", name=HEARTSAVER, exact=True).first.click()
    expect(page.get_by_role("heading", name=HEARTSAVER)).to_be_visible()
    for name, outcome in TODAYS_OUTCOMES.items():
        page.get_by_label(f"Outcome for {name}").select_option(label=outcome)
    page.get_by_role("button", name="Save and finalise").click()
    # The confirmation step says what finalising will issue before anything is saved.
    expect(page.get_by_text("It will issue 2 new certificates, to Marcus Brown, Aisha Johnson")
           ).to_be_visible()
    page.get_by_role("button", name="Finalise and issue").click()
    expect(page.get_by_text("Outcomes saved and the roster finalised. 2 certificates issued")).to_be_visible()
    expect(page.get_by_text("outcomes are locked")).to_be_visible()
    codes = {}
    for name in TODAYS_OUTCOMES:
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        found = CODE.search(row.inner_text())
        if found:
            codes[name] = found.group(0)
    return codes


@pytest.fixture
def todays_codes(browser, live_server):
    """Certificate codes of today's class, recording its outcomes first if no journey has."""
    if "codes" not in STATE:
        context = browser.new_context(base_url=live_server["url"])
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        try:
            STATE["codes"] = record_todays_outcomes(context.new_page())
        finally:
            context.close()
    return STATE["codes"]


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def qr_texts(pdf: bytes) -> list[str]:
    import pypdfium2
    import zxingcpp

    image = pypdfium2.PdfDocument(pdf)[0].render(scale=6).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


# --- the journeys ------------------------------------------------------------------------------

def test_nurse_finds_bls_registers_enrolls_and_sees_the_class_on_me(page):
    page.goto("/")
    page.get_by_label("Who are you?").select_option(label="I am a nurse")
    page.get_by_role("button", name="Show my classes").click()
    expect(page.get_by_role("heading", name=re.compile("^You need: .*BLS"))).to_be_visible()
    listing_row(page, BLS).get_by_role("link", name=BLS, exact=True).click()
    expect(page.get_by_role("heading", name=BLS, level=1)).to_be_visible()
    page.get_by_role("link", name="create an account").click()
    fill_registration(page, "Nadia Nurse", unique_email("nurse"), "Registered nurse")
    expect(page.get_by_role("heading", name=BLS, level=1)).to_be_visible()  # back at the class
    enroll_here(page)
    row = my_classes_row(page, BLS)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Seat held")


def test_waitlisted_learner_gets_the_seat_when_the_holder_cancels(page, new_page):
    admin = new_page()
    sign_in(admin, ADMIN)
    location = f"Waitlist room {uuid.uuid4().hex[:6]}, 120 Harbor St"
    class_id = schedule_session(admin, f"BLS-HCP · {BLS}", location, capacity=1)

    holder = page
    register(holder, "Hana Holder", next_path=f"/sessions/{class_id}")
    enroll_here(holder)

    waiting = new_page()
    register(waiting, "Wes Waiting", next_path=f"/sessions/{class_id}")
    expect(waiting.get_by_text("This class is full")).to_be_visible()
    waiting.get_by_role("button", name="Join the waitlist").click()
    expect(waiting.get_by_text("you're number 1 on the waitlist")).to_be_visible()
    expect(my_classes_row(waiting, BLS)).to_contain_text("Waitlist, number 1")

    my_classes_row(holder, BLS).get_by_role("link", name=re.compile(f"^Cancel {BLS}")).click()
    expect(holder.get_by_text("is full. Your seat goes at once to the next person on the waitlist")
           ).to_be_visible()
    holder.get_by_role("button", name="Cancel my seat").click()
    expect(holder.get_by_text(f"Cancelled your place in {BLS}")).to_be_visible()
    expect(my_classes_row(holder, BLS)).to_have_count(0)

    expect(my_classes_row(waiting, BLS)).to_contain_text("Seat held")
    admin.goto(f"/admin/sessions/{class_id}")
    learners = admin.get_by_role("region", name="Learners")
    expect(learners.get_by_role("row").filter(has_text="Wes Waiting")).to_contain_text("enrolled")


def test_instructor_records_todays_outcomes_and_finalises(page):
    codes = record_todays_outcomes(page)
    STATE["codes"] = codes
    assert sorted(codes) == ["Aisha Johnson", "Marcus Brown"]  # the no-show gets no certificate
    expect(page.get_by_role("row").filter(has_text="Ben Carter")).to_contain_text("no-show")
    expect(page.get_by_role("button", name="Save and finalise")).to_have_count(0)


def test_learner_downloads_the_wallet_card(page, todays_codes, live_server):
    sign_in(page, "marcus.brown@lifeline.test")
    expect(page).to_have_url(re.compile("/me$"))
    certificates = page.get_by_role("region", name="My certificates")
    row = certificates.get_by_role("listitem").filter(has_text=todays_codes["Marcus Brown"])
    expect(row).to_contain_text("Valid")
    # The card is served inline and headless chromium would only show it in its viewer: fetch
    # the link's target with the browser's own cookies, as "Save link as…" does.
    link = row.get_by_role("link", name=f"Download the wallet card (PDF) for {HEARTSAVER}")
    card = page.request.get(link.get_attribute("href"), timeout=10_000)
    assert card.ok and card.headers["content-type"] == "application/pdf"
    pdf = card.body()
    assert pdf.startswith(b"%PDF-")
    assert "Marcus Brown" in pdf_text(pdf)
    qr = qr_texts(pdf)
    assert qr == [f"{live_server['url']}/verify/{todays_codes['Marcus Brown']}"]
    STATE["qr_url"] = qr[0]


def test_employer_opens_the_qr_url_sees_valid_and_why_heartsaver_is_not_bls(page, todays_codes):
    sign_in(page, EMPLOYER)
    page.goto(STATE.get("qr_url") or f"/verify/{todays_codes['Marcus Brown']}")
    expect(page.get_by_role("status").filter(has_text="Valid card")).to_contain_text("days left")
    expect(page.get_by_role("heading", name="Marcus Brown")).to_be_visible()
    page.get_by_label("Requirement", exact=True).select_option(label="BLS (healthcare provider CPR)")
    page.get_by_role("button", name="Check").click()
    answer = page.get_by_role("status").filter(has_text="does not meet")
    expect(answer).to_contain_text("Valid card — does not meet BLS")
    expect(answer.get_by_role("listitem").filter(has_text="Level")).to_contain_text(
        "Healthcare Provider (BLS)")


def test_admin_cancels_a_session_and_its_learners_see_it_cancelled(page, new_page):
    admin = new_page()
    sign_in(admin, ADMIN)
    location = f"Cancelled room {uuid.uuid4().hex[:6]}, 120 Harbor St"
    class_id = schedule_session(admin, f"HS-CPR-AED · {HEARTSAVER}", location, capacity=6)
    register(page, "Carla Cancelled", next_path=f"/sessions/{class_id}")
    enroll_here(page)

    admin.reload()
    admin.get_by_label("Reason (sent to every learner)").fill("The instructor is ill.")
    admin.get_by_role("button", name="Cancel this session").click()
    expect(admin.get_by_text("1 learner holding a seat loses it")).to_be_visible()
    admin.get_by_role("button", name="Cancel the class").click()
    expect(admin.get_by_text("Session cancelled.")).to_be_visible()
    expect(admin.get_by_text("status cancelled")).to_be_visible()

    expect(my_classes_row(page, HEARTSAVER)).to_contain_text("Class cancelled: The instructor is ill.")
    page.goto(f"/sessions/{class_id}")
    expect(page.get_by_text("This class has been cancelled: The instructor is ill.")).to_be_visible()


def test_sign_in_enroll_and_verify_work_without_javascript(new_page):
    page = new_page(java_script=False)
    sign_in(page, DEMO_LEARNER)
    page.goto("/")
    listing_row(page, HEARTSAVER).get_by_role("link", name=HEARTSAVER, exact=True).click()
    enroll_here(page)
    expect(my_classes_row(page, HEARTSAVER)).to_contain_text("Seat held")
    code = CODE.search(page.get_by_role("region", name="My certificates").inner_text()).group(0)
    sign_out(page)

    page.goto("/verify")
    page.get_by_label("Certificate code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status").filter(has_text="Valid card")).to_contain_text("days left")
    expect(page.get_by_role("heading", name="Jordan Rivera")).to_be_visible()

    page.goto("/verify")
    page.get_by_label("Certificate code").fill(code[:-1] + ("A" if code[-1] != "A" else "B"))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("Mistyped code")


def test_finder_and_registration_work_without_javascript(new_page):
    page = new_page(java_script=False)
    page.goto("/")
    page.get_by_label("Who are you?").select_option(label="I am a teacher or school staff")
    page.get_by_role("button", name="Show my classes").click()
    expect(page.get_by_role("heading", name=re.compile("^You need: "))).to_be_visible()
    expect(page).to_have_url(re.compile(r"who=teacher"))
    page.get_by_role("link", name="Register").click()
    fill_registration(page, "Tess Teacher", unique_email("teacher"), "Fourth-grade teacher")
    expect(page.get_by_role("link", name="My classes")).to_be_visible()
