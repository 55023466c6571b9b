"""The receipt: a one-page PDF (center, learner, class, amount, method, reference, date),
attached to the confirmation mail once paid and downloadable by its learner and staff."""

from __future__ import annotations

from collections.abc import Mapping

from fpdf import FPDF
from sqlalchemy.orm import Session

from app.models import Enrollment, Notification
from app.services.certificates.cards import _load_unicode_font
from app.services.clock import local_moment
from app.services.errors import NotFound
from app.services.text import N_

RECEIPTED = ("paid", "refunded", "waived")


def money(amount_cents: int, currency: str) -> str:
    return f"{amount_cents // 100:,}.{amount_cents % 100:02d} {currency.upper()}"


def receipt_lines(enrollment: Enrollment, center_name: str, zone_name: str) -> list[tuple[str, str]]:
    payment = enrollment.payment
    class_session = enrollment.session
    paid_on = local_moment(payment.paid_at or payment.updated_at, zone_name)
    starts = local_moment(class_session.starts_at, zone_name)
    lines = [
        ("Training center", center_name),
        ("Receipt number", f"R-{payment.id:06d}"),
        ("Learner", f"{enrollment.learner.full_name} <{enrollment.learner.email}>"),
        ("Class", f"{class_session.course.title} ({class_session.course.code})"),
        ("Class starts", starts.strftime("%B %-d, %Y, %-I:%M %p %Z")),
        ("Amount", money(payment.amount_cents, payment.currency)),
        ("Status", payment.status),
        ("Method", payment.method or "-"),
        ("Reference", payment.reference or "-"),
        ("Date", paid_on.strftime("%B %-d, %Y")),
    ]
    if payment.discount_cents:
        lines.insert(5, ("Discount", money(payment.discount_cents, payment.currency)))
    if payment.status == "refunded" and payment.refunded_at:
        lines.append(("Refunded", local_moment(payment.refunded_at, zone_name)
                      .strftime("%B %-d, %Y") + f" ({payment.refund_reference or 'by staff'})"))
    return lines


def receipt_pdf(enrollment: Enrollment, center_name: str, zone_name: str) -> bytes:
    """The receipt of a paid (or waived, or refunded) enrollment, as PDF."""
    if enrollment.payment is None or enrollment.payment.status not in RECEIPTED:
        raise NotFound(N_("This enrollment has no receipt."))
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_title(f"Receipt R-{enrollment.payment.id:06d}")
    unicode = _load_unicode_font(pdf)
    family = "DejaVu" if unicode else "Helvetica"
    pdf.add_page()
    pdf.set_font(family, "B", 18)
    pdf.cell(0, 12, "Receipt", new_x="LMARGIN", new_y="NEXT")
    for label, value in receipt_lines(enrollment, center_name, zone_name):
        if not unicode:
            value = value.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, "B", 11)
        pdf.cell(45, 8, label)
        pdf.set_font(family, "", 11)
        pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def receipt_attachments(session: Session, notification: Notification,
                        config: Mapping) -> list[tuple[str, str, bytes]]:
    """The confirmation mail's receipt, when the enrollment is paid."""
    enrollment = session.get(Enrollment, (notification.context or {}).get("enrollment_id", 0))
    if enrollment is None or enrollment.payment is None or \
            enrollment.payment.status not in RECEIPTED:
        return []
    pdf = receipt_pdf(enrollment, config["CENTER_NAME"], config["CENTER_TIMEZONE"])
    return [(f"receipt-{enrollment.id}.pdf", "application/pdf", pdf)]
