"""Employers buy training for their staff (API-2.md §3): seat orders and their vouchers,
invitations, private on-site classes, invoices, and the results coming back."""

from app.services.orders.class_requests import (
    request_class,
    requests_of,
    schedule_request,
    visible_request,
)
from app.services.orders.invitations import (
    addresses_from_csv,
    addresses_from_text,
    invite,
)
from app.services.orders.invoices import (
    InvoiceTerms,
    invoice_attachments,
    invoice_pdf,
    mail_invoice,
    set_billing,
    terms_from,
)
from app.services.orders.placing import (
    mark_paid,
    orders_of,
    place_order,
    revenue_by_organisation,
    set_amount,
    visible_order,
)
from app.services.orders.redemption import (
    open_sessions,
    open_sessions_of_courses,
    redeem,
    voucher_order,
)
from app.services.orders.results import invitation_lines, redemptions

__all__ = ["InvoiceTerms", "addresses_from_csv", "addresses_from_text", "invitation_lines",
           "invite", "invoice_attachments", "invoice_pdf", "mail_invoice", "mark_paid",
           "open_sessions", "open_sessions_of_courses", "orders_of", "place_order", "redeem",
           "redemptions", "request_class", "requests_of", "revenue_by_organisation",
           "schedule_request", "set_amount", "set_billing", "terms_from", "visible_order",
           "visible_request", "voucher_order"]
