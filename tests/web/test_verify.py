"""The public verification pages: the banner, the record, mistyped versus unknown codes,
the requirement check, the log, rate limits and security headers."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import VerificationLog
from app.models.base import utcnow
from app.services.certificates.codes import generate_code
from tests import factories
from tests.support.pages import badges, banner, visible_text


def one_changed(code: str) -> str:
    return ("Z" if code[0] != "Z" else "Y") + code[1:]


def heartsaver_card(**fields):
    course = factories.CourseFactory(code="HS-CPR-AED", title="AHA Heartsaver CPR AED",
                                     level="lay_rescuer", topics_mask=0b1001,
                                     guidelines_mask=0b101)
    fields.setdefault("expires_on", factories.center_today() + timedelta(days=400))
    return factories.CertificateFactory(course=course, **fields)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_qr_link_shows_a_valid_banner_and_what_an_employer_needs(client, db):
    holder = factories.learner(full_name="Dana Reyes", email="dana.reyes@example.test")
    card = factories.CertificateFactory(holder=holder, instructor_name="Ivy Stone",
                                        expires_on=factories.center_today() + timedelta(days=400))
    response = client.get(f"/verify/{card.code}")
    assert response.status_code == 200
    page = text_of(response)
    verdict = banner(page)
    assert "banner-ok" in verdict.classes and verdict.text.startswith("Valid card")
    assert "400 days left" in verdict.text and "Checked at " in verdict.text
    for shown in ("Dana Reyes", card.course_title, "Healthcare Provider (BLS)", "AHA, ECC",
                  card.issued_on.strftime("%A, %B %-d, %Y"), card.expires_on.strftime("%B %-d, %Y"),
                  "Lifeline Training Center", "Ivy Stone", card.code):
        assert shown in page
    assert "dana.reyes@example.test" not in page
    assert f"/{card.id}" not in page.replace(card.code, "")
    log = db.session.query(VerificationLog).one()
    assert (log.channel, log.outcome, log.certificate_id) == ("qr", "valid", card.id)


def test_expired_card_shows_expired(client):
    card = factories.CertificateFactory(issued_on=factories.center_today() - timedelta(days=800),
                                        expires_on=factories.center_today() - timedelta(days=3))
    page = text_of(client.get(f"/verify/{card.code}"))
    assert "banner-danger" in banner(page).classes
    assert banner(page).text.startswith("Expired card") and "expired 3 days ago" in page
    assert ("expired", "Expired") in badges(page)


def test_a_card_expiring_today_or_soon_is_shown_as_expiring_in_amber(client):
    today = factories.center_today()
    for days, words in ((0, "expires today"), (5, "5 days left"), (30, "30 days left")):
        card = factories.CertificateFactory(expires_on=today + timedelta(days=days))
        page = text_of(client.get(f"/verify/{card.code}"))
        assert "banner-warn" in banner(page).classes and words in banner(page).text
        assert ("expiring", "Expiring") in badges(page)
    later = factories.CertificateFactory(expires_on=today + timedelta(days=61))
    page = text_of(client.get(f"/verify/{later.code}"))
    assert "banner-ok" in banner(page).classes and "61 days left" in banner(page).text
    assert ("valid", "Valid") in badges(page)


def test_a_reissued_cards_old_code_reads_replaced_by_the_new_code_not_revoked(client, db):
    old = factories.CertificateFactory(revoked_at=utcnow(), revoked_reason="Name misspelt",
                                       revocation_category="replaced")
    new = factories.CertificateFactory(holder=old.holder, course=old.course, replaces=old)
    page = text_of(client.get(f"/verify/{old.code}"))
    verdict = banner(page)
    assert "banner-neutral" in verdict.classes and "banner-danger" not in verdict.classes
    assert verdict.text.startswith("Replaced card") and f"Replaced by {new.code}" in verdict.text
    assert "revoked" not in visible_text(page).lower() and "Name misspelt" not in page
    assert ("replaced", "Replaced") in badges(page)
    assert f'href="/verify/{new.code}"' in page


def test_a_withdrawn_card_reads_revoked_in_red(client, db):
    card = factories.CertificateFactory(revoked_at=utcnow(), revoked_reason="Cheated",
                                        revocation_category="withdrawn")
    page = text_of(client.get(f"/verify/{card.code}"))
    assert "banner-danger" in banner(page).classes
    assert banner(page).text.startswith("Revoked card") and "as withdrawn" in banner(page).text
    assert ("revoked", "Revoked") in badges(page) and "Cheated" not in page


def test_awarding_bodys_card_id_is_labelled_as_its_own(client):
    card = factories.CertificateFactory(external_issuer="AHA", external_id="215401234567")
    page = text_of(client.get(f"/verify/{card.code}"))
    assert "Awarding body&#39;s own card id" in page or "Awarding body's own card id" in page
    assert "215401234567" in page and "not by this training center" in page


def test_one_character_changed_says_mistyped_not_unknown(client):
    card = factories.CertificateFactory()
    mistyped = client.get(f"/verify/{one_changed(card.code)}")
    assert mistyped.status_code == 400
    assert "This code looks mistyped — check the characters" in text_of(mistyped)
    unknown = client.get(f"/verify/{generate_code()}")
    assert unknown.status_code == 404
    assert "No certificate has this code" in text_of(unknown)
    assert "mistyped" not in text_of(unknown).lower().replace("mistyped_code", "")


def test_form_answers_on_the_page_and_logs_the_web_channel(client, db):
    card = factories.CertificateFactory()
    assert "Certificate code" in text_of(client.get("/verify"))
    typed = card.code.lower().replace("-", " ")
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 200 and banner(text_of(response)).text.startswith("Valid card")
    assert db.session.query(VerificationLog).one().channel == "web"
    assert client.get("/verify", query_string={"code": "x" * 101}).status_code == 422


def test_heartsaver_checked_against_bls_does_not_meet_with_reasons(client):
    card = heartsaver_card()
    response = client.get(f"/verify/{card.code}", query_string={"preset": "bls"})
    page = text_of(response)
    assert response.status_code == 200
    verdict = banner(page)  # the verdict is the banner, not a VALID banner above it
    assert verdict.text.startswith("Valid card — does not meet BLS (healthcare provider CPR)")
    assert "banner-warn" in verdict.classes and "banner-ok" not in verdict.classes
    assert "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS)." in verdict.text
    assert "Missing topics: child CPR, infant CPR." in verdict.text
    workplace = banner(text_of(client.get(f"/verify/{card.code}",
                                          query_string={"preset": "workplace_cpr_aed"})))
    assert workplace.text.startswith("Valid card — meets Workplace CPR and AED")
    assert "banner-ok" in workplace.classes


def test_an_expired_card_that_fails_a_requirement_is_a_red_verdict(client):
    card = heartsaver_card(expires_on=factories.center_today() - timedelta(days=1))
    verdict = banner(text_of(client.get(f"/verify/{card.code}", query_string={"preset": "bls"})))
    assert verdict.text.startswith("Expired card — does not meet BLS")
    assert "banner-danger" in verdict.classes


def test_custom_requirement_with_a_date(client):
    card = heartsaver_card(expires_on=date(2030, 1, 31))
    query = {"preset": "custom", "level": "lay_rescuer", "topics": ["adult_cpr", "aed"],
             "valid_on": "2030-03-01"}
    page = text_of(client.get(f"/verify/{card.code}", query_string=query))
    assert "does not meet your custom requirement" in page
    assert "Expired on Thursday, January 31, 2030." in page  # the page shows the long date
    empty = text_of(client.get(f"/verify/{card.code}", query_string={"preset": "custom"}))
    assert "Tick at least one topic" in empty


def test_verification_page_cannot_be_framed_and_sends_security_headers(client):
    card = factories.CertificateFactory()
    for path in (f"/verify/{card.code}", "/verify", "/"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    assert client.get(f"/verify/{card.code}").headers["Cache-Control"] == "no-store"


def test_https_is_forced_only_when_configured(client, app_factory):
    assert client.get("/verify").status_code == 200
    forced = app_factory(FORCE_HTTPS=True).test_client()
    response = forced.get("/verify?code=ABC")
    assert response.status_code == 308
    assert response.headers["Location"] == "https://lifeline.test/verify?code=ABC"
    secure = forced.get("/verify", base_url="https://localhost")
    assert secure.status_code == 200
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    untrusted = forced.get("/verify", headers={"X-Forwarded-Proto": "https"})
    assert untrusted.status_code == 308  # TRUSTED_PROXIES=0: the header is ignored
    behind_proxy = app_factory(FORCE_HTTPS=True, TRUSTED_PROXIES=1).test_client()
    assert behind_proxy.get("/verify", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_the_https_redirect_ignores_a_forged_host(app_factory):
    forced = app_factory(FORCE_HTTPS=True, PUBLIC_BASE_URL="https://records.example").test_client()
    response = forced.get("/verify/ÄB?x=1", headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == "https://records.example/verify/%C3%84B?x=1"


def test_public_pages_are_rate_limited_per_address(rate_limited):
    limited = rate_limited(RATELIMIT_PUBLIC="2 per minute")
    client = limited.test_client()
    with factories.within(limited):
        code = factories.CertificateFactory().code
    assert client.get("/verify").status_code == 200  # the empty form costs nothing
    assert [client.get(f"/verify/{code}").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/verify", query_string={"code": code})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert client.get("/verify").status_code == 200
