"""The wallet card: read back by text extraction, its QR code decoded from the rendered page."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from app.models import Notification
from app.services.certificates.cards import CARD_HEIGHT, CARD_WIDTH, card_attachments, card_pdf, verify_url
from tests import factories

MM_PER_POINT = 25.4 / 72
URL = "http://lifeline.test/verify/K7M2-QZ9T-X4HW-0RND"


def make_certificate(**overrides):
    course = factories.CourseFactory(title="BLS Provider", level="healthcare_provider",
                                     guidelines_mask=0b101)
    values = dict(code="K7M2-QZ9T-X4HW-0RND", holder_name="Zoë Okafor", course=course,
                  issued_on=date(2026, 3, 10), expires_on=date(2028, 3, 31),
                  instructor_name="Ivy Instructor", training_center="Lifeline Training Center")
    values.update(overrides)
    return factories.CertificateFactory(**values)


def page_text(pdf: bytes, page: int = 0) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[page].extract_text().split())


def decoded_qr_codes(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=6).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_card_shows_the_record_and_its_qr_opens_the_verification_page(db):
    certificate = make_certificate()
    pdf = card_pdf(certificate, URL, date(2026, 4, 1))
    text = page_text(pdf)
    for expected in ("Zoë Okafor", "BLS Provider", "Level: Healthcare Provider (BLS)",
                     "Guideline basis: AHA, ECC", "Issued Mar 10, 2026", "Expires Mar 31, 2028",
                     "Instructor: Ivy Instructor", "Lifeline Training Center",
                     "K7M2-QZ9T-X4HW-0RND"):
        assert expected in text
    assert "REVOKED" not in text
    assert decoded_qr_codes(pdf) == [URL]


def test_a_name_beyond_latin_1_never_breaks_the_card(db):
    from fpdf import FPDF

    from app.services.certificates.cards import _load_unicode_font

    pdf = card_pdf(make_certificate(holder_name="Łucja Nowak"), URL, date(2026, 4, 1))
    # With a Unicode font on the machine the name is exact; without one it degrades, never fails.
    expected = "Łucja Nowak" if _load_unicode_font(FPDF()) else "?ucja Nowak"
    assert expected in page_text(pdf)


def test_card_is_wallet_sized(db):
    pdf = card_pdf(make_certificate(), URL, date(2026, 4, 1))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert float(box.width) * MM_PER_POINT == pytest.approx(CARD_WIDTH, abs=0.1)
    assert float(box.height) * MM_PER_POINT == pytest.approx(CARD_HEIGHT, abs=0.1)


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 210), ("letter", 215.9)])
def test_card_prints_at_actual_size_on_a_full_page(db, paper, width_mm):
    pdf = card_pdf(make_certificate(), URL, date(2026, 4, 1), paper=paper)
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert float(box.width) * MM_PER_POINT == pytest.approx(width_mm, abs=0.5)
    assert "K7M2-QZ9T-X4HW-0RND" in page_text(pdf) and decoded_qr_codes(pdf) == [URL]


def test_lay_rescuer_level_is_in_words(db):
    course = factories.CourseFactory(level="lay_rescuer", title="Heartsaver CPR AED")
    pdf = card_pdf(make_certificate(course=course), URL, date(2026, 4, 1))
    assert "Level: Lay Rescuer" in page_text(pdf)


def test_revoked_card_says_revoked_across_it(db):
    certificate = make_certificate(revoked_at=datetime(2026, 3, 20, tzinfo=UTC),
                                   revoked_reason="Skills not shown")
    assert "REVOKED" in page_text(card_pdf(certificate, URL, date(2026, 4, 1)))


def test_awarding_body_card_is_labelled_beside_lifelines_record(db):
    certificate = make_certificate(external_issuer="AHA eCard", external_id="215512345678")
    text = page_text(card_pdf(certificate, URL, date(2026, 4, 1)))
    assert "Lifeline record: K7M2-QZ9T-X4HW-0RND" in text
    assert "Awarding body's own card (AHA eCard): 215512345678" in text


def test_issued_mail_attaches_the_card_with_the_configured_verify_url(app, db):
    certificate = make_certificate()
    notification = Notification(kind="certificate_issued", recipient_email="a@example.test",
                                certificate_id=certificate.id, status="pending", context={})
    [(filename, mimetype, pdf)] = card_attachments(db.session, notification, app.config)
    assert (filename, mimetype) == ("wallet-card.pdf", "application/pdf")
    assert decoded_qr_codes(pdf) == [verify_url(app.config["PUBLIC_BASE_URL"], certificate.code)]
    assert decoded_qr_codes(pdf) == ["http://lifeline.test/verify/K7M2-QZ9T-X4HW-0RND"]
