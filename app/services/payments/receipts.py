"""The receipt: a one-page PDF (center, learner, class, amount, method, reference, date),
attached to the confirmation mail once paid and downloadable by its learner and staff."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from fpdf import FPDF
from sqlalchemy.orm import Session

from app.models import Enrollment, Notification
from app.services.certificates.cards import _load_unicode_font
from app.services.clock import local_moment
from app.services.errors import NotFound
from app.services.language import formatting
from app.services.language.text import N_
from app.services.notifications.language import mail_locale

RECEIPTED = ("paid", "refunded")  # money was taken; a waived seat has nothing to receipt
CATALOGS = Path(__file__).resolve().parents[2] / "translations"
STATUS_WORDS = {"paid": N_("paid"), "refunded": N_("refunded")}


@lru_cache
def _catalog(locale: str) -> NullTranslations:
    """The compiled catalog of a locale ('es_US' reads es/), English when there is none."""
    return Translations.load(str(CATALOGS), [locale])


def _words(text: str, locale: str) -> str:
    """A receipt's label in the locale's language (the PDF is no page: no request to ask)."""
    return _catalog(locale).gettext(getattr(text, "msgid", text)) % getattr(text, "values", {})


def money(amount_cents: int, currency: str) -> str:
    return f"{amount_cents // 100:,}.{amount_cents % 100:02d} {currency.upper()}"


def receipt_lines(enrollment: Enrollment, center_name: str, zone_name: str,
                  locale: str = formatting.DEFAULT_LOCALE) -> list[tuple[str, str]]:
    """The receipt's (label, value) lines, labels and dates in the locale's language."""
    payment = enrollment.payment
    class_session = enrollment.session

    def day(moment) -> str:
        return formatting.long_date(local_moment(moment, zone_name).date(), locale)

    lines = [
        (N_("Training center"), center_name),
        (N_("Receipt number"), f"R-{payment.id:06d}"),
        (N_("Learner"), f"{enrollment.learner.full_name} <{enrollment.learner.email}>"),
        (N_("Class"), f"{class_session.course.title} ({class_session.course.code})"),
        (N_("Class starts"), formatting.moment_text(class_session.starts_at, zone_name, locale)),
        (N_("Amount"), money(payment.amount_cents, payment.currency)),
        (N_("Status"), _words(STATUS_WORDS.get(payment.status, payment.status), locale)),
        (N_("Method"), payment.method or "-"),
        (N_("Reference"), payment.reference or "-"),
        (N_("Date"), day(payment.paid_at or payment.updated_at)),
    ]
    if payment.discount_cents:
        lines.insert(5, (N_("Discount"), money(payment.discount_cents, payment.currency)))
    if payment.status == "refunded" and payment.refunded_at:
        reference = payment.refund_reference or _words(N_("by staff"), locale)
        lines.append((N_("Refunded"), f"{day(payment.refunded_at)} ({reference})"))
    return [(_words(label, locale), value) for label, value in lines]


def receipt_pdf(enrollment: Enrollment, center_name: str, zone_name: str,
                locale: str = formatting.DEFAULT_LOCALE) -> bytes:
    """The receipt of a paid (or since refunded) enrollment, as PDF, in the locale's
    language (English unless asked)."""
    if enrollment.payment is None or enrollment.payment.status not in RECEIPTED:
        raise NotFound(N_("This enrollment has no receipt."))
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_title(f"Receipt R-{enrollment.payment.id:06d}")
    unicode = _load_unicode_font(pdf)
    family = "DejaVu" if unicode else "Helvetica"
    pdf.add_page()
    pdf.set_font(family, "B", 18)
    pdf.cell(0, 12, _words(N_("Receipt"), locale), new_x="LMARGIN", new_y="NEXT")
    for label, value in receipt_lines(enrollment, center_name, zone_name, locale):
        if not unicode:
            value = value.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, "B", 11)
        pdf.cell(45, 8, label)
        pdf.set_font(family, "", 11)
        pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def receipt_attachments(session: Session, notification: Notification,
                        config: Mapping) -> list[tuple[str, str, bytes]]:
    """The confirmation mail's receipt, when the enrollment is paid, in the mail's language."""
    enrollment = session.get(Enrollment, (notification.context or {}).get("enrollment_id", 0))
    if enrollment is None or enrollment.payment is None or \
            enrollment.payment.status not in RECEIPTED:
        return []
    pdf = receipt_pdf(enrollment, config["CENTER_NAME"], config["CENTER_TIMEZONE"],
                      mail_locale(notification))
    return [(f"receipt-{enrollment.id}.pdf", "application/pdf", pdf)]
