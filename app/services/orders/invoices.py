"""The invoice of an order: a one-page PDF (center, organisation, billing contact, the line,
total, due date, payment instructions, status), drawn like the receipt and mailed to the
organisation's billing contact."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from fpdf import FPDF
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Notification, Organisation, SeatOrder, User
from app.services import audit, notifications
from app.services.accounts import normalise_email
from app.services.certificates.cards import _load_unicode_font
from app.services.clock import local_moment
from app.services.errors import Invalid, NotFound, one_line
from app.services.orders.placing import visible_order
from app.services.payments.receipts import money


@dataclass(frozen=True)
class InvoiceTerms:
    center_name: str
    zone_name: str
    due_days: int = 30
    instructions: str = "Pay by bank transfer or check, quoting the invoice number."


def terms_from(config: Mapping) -> InvoiceTerms:
    """The invoice terms of a Flask configuration (or any mapping with the same keys)."""
    return InvoiceTerms(center_name=config["CENTER_NAME"], zone_name=config["CENTER_TIMEZONE"],
                        due_days=config.get("INVOICE_DUE_DAYS", 30),
                        instructions=config.get("INVOICE_PAYMENT_INSTRUCTIONS")
                        or InvoiceTerms.instructions)


def invoice_number(order: SeatOrder) -> str:
    return f"INV-{order.id:06d}"


def invoice_lines(order: SeatOrder, terms: InvoiceTerms) -> list[tuple[str, str]]:
    organisation = order.organisation
    issued = local_moment(order.created_at, terms.zone_name)
    where = "any scheduled class" if order.session_id is None else (
        "class of " + local_moment(order.class_session.starts_at, terms.zone_name)
        .strftime("%B %-d, %Y"))
    lines = [
        ("Training center", terms.center_name),
        ("Invoice number", invoice_number(order)),
        ("Date", issued.strftime("%B %-d, %Y")),
        ("Bill to", organisation.name),
        ("Billing contact", " ".join(filter(None, [
            organisation.billing_contact,
            f"<{organisation.billing_email}>" if organisation.billing_email else None])) or "-"),
        ("Address", organisation.address or "-"),
        ("Line", f"{order.seats} seat(s), {order.course.title} ({order.course.code}), {where}"),
        ("Voucher", order.voucher_code),
        ("Total", money(order.amount_cents, order.currency)),
        ("Due", (issued + timedelta(days=terms.due_days)).strftime("%B %-d, %Y")),
        ("Payment", terms.instructions),
        ("Status", order.status),
    ]
    if order.status == "paid" and order.paid_at is not None:
        lines.append(("Paid", local_moment(order.paid_at, terms.zone_name).strftime("%B %-d, %Y")
                      + f" ({order.payment_method}"
                      + (f", {order.payment_reference})" if order.payment_reference else ")")))
    return lines


def invoice_pdf(order: SeatOrder, terms: InvoiceTerms) -> bytes:
    """The order's invoice as PDF."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_title(f"Invoice {invoice_number(order)}")
    unicode = _load_unicode_font(pdf)
    family = "DejaVu" if unicode else "Helvetica"
    pdf.add_page()
    pdf.set_font(family, "B", 18)
    pdf.cell(0, 12, "Invoice", new_x="LMARGIN", new_y="NEXT")
    for label, value in invoice_lines(order, terms):
        if not unicode:
            value = value.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, "B", 11)
        pdf.cell(45, 8, label)
        pdf.set_font(family, "", 11)
        pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@dataclass(frozen=True)
class BillingContact:
    """The organisation's billing address (it has no account of its own)."""

    email: str
    id: None = None
    full_name: str = ""


@one_transaction
def mail_invoice(session: Session, actor: User, order_id: int) -> SeatOrder:
    """Queue the invoice to the organisation's billing contact (once per status)."""
    order = visible_order(session, actor, order_id)
    if not order.organisation.billing_email:
        raise Invalid.field("billing_email", "The organisation has no billing e-mail address.")
    contact = BillingContact(email=order.organisation.billing_email,
                             full_name=order.organisation.billing_contact or "")
    notifications.enqueue(
        session, kind="order_invoice", recipient=contact,
        event_key=f"order_invoice:{order.id}:{order.status}", subject=("seat_order", order.id),
        context={"order_id": order.id, "invoice_number": invoice_number(order),
                 "organisation": order.organisation.name, "course_title": order.course.title,
                 "amount_cents": order.amount_cents, "currency": order.currency,
                 "status": order.status})
    audit.record(session, actor, "order.invoice_mailed", "seat_order", order.id,
                 to=contact.email)
    return order


def invoice_attachments(session: Session, notification: Notification,
                        config: Mapping) -> list[tuple[str, str, bytes]]:
    """The invoice mail's PDF, drawn at delivery time."""
    order = session.get(SeatOrder, (notification.context or {}).get("order_id", 0))
    if order is None:
        return []
    return [(f"{invoice_number(order)}.pdf", "application/pdf",
             invoice_pdf(order, terms_from(config)))]


@one_transaction
def set_billing(session: Session, actor: User, organisation_id: int, *, contact: str | None,
                email: str | None, address: str | None) -> Organisation:
    """Staff set where an organisation's invoices go."""
    organisation = session.get(Organisation, organisation_id) if 0 < organisation_id < 2**31 \
        else None
    if organisation is None:
        raise NotFound("No organisation has this id.")
    values = {"billing_contact": one_line("billing_contact", contact),
              "billing_email": one_line("billing_email", email),
              "address": one_line("address", address)}
    for name, value in values.items():
        setattr(organisation, name, (value or "").strip() or None)
    if organisation.billing_email:
        organisation.billing_email = normalise_email(organisation.billing_email)
    audit.record(session, actor, "organisation.billing_set", "organisation", organisation.id,
                 billing_email=organisation.billing_email)
    return organisation
