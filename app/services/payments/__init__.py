"""Payments at enrollment (API-2.md §2): prices and promo codes, held seats paid through a
provider (manual or Stripe), webhooks applied once, refunds, receipts and the staff ledger."""

from app.services.errors import InvalidPromoCode
from app.services.payments.checkout import enroll, my_enrollment, open_checkout
from app.services.payments.ledger import (
    PaymentFilter,
    list_payments,
    payments_csv,
    record_payment,
    revenue_by_course_month,
)
from app.services.payments.promo_codes import create_promo_code, list_promo_codes
from app.services.payments.providers import Provider, provider_from
from app.services.payments.receipts import receipt_attachments, receipt_pdf
from app.services.payments.refunds import (
    cancel_enrollment,
    left_by_cancelled_class,
    refund_by_staff,
    refund_session,
    run_refunds,
)
from app.services.payments.settings import PaymentSettings, settings_from
from app.services.payments.stray import recent_stray_charges
from app.services.payments.sweep import release_lapsed_holds, sweep
from app.services.payments.webhooks import apply_event

__all__ = [
    "InvalidPromoCode", "PaymentFilter", "PaymentSettings", "Provider", "apply_event",
    "cancel_enrollment", "create_promo_code", "enroll", "left_by_cancelled_class",
    "list_payments", "list_promo_codes", "my_enrollment", "open_checkout", "payments_csv",
    "provider_from", "receipt_attachments", "receipt_pdf", "recent_stray_charges",
    "record_payment", "refund_by_staff", "refund_session", "release_lapsed_holds",
    "revenue_by_course_month", "run_refunds", "settings_from", "sweep",
]
