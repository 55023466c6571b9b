"""Payment providers behind one interface: `manual` (pay at class or by invoice; staff record
it) and `stripe` (Checkout Sessions, refunds, signed webhooks) through the official library.

Every call here is made outside any database transaction, and is safe to repeat: each carries
an idempotency key per enrollment and purpose, so a retry after a lost answer gets the first
answer back instead of a second charge or refund."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import stripe

from app.services.errors import InvalidSignature, PaymentUnavailable
from app.services.language.text import N_

log = logging.getLogger(__name__)
SIGNATURE_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class CheckoutRequest:
    enrollment_id: int
    amount_cents: int
    currency: str
    description: str
    customer_email: str
    expires_at: datetime
    success_url: str
    cancel_url: str
    attempt: int = 0  # how many of this seat's Checkouts were paid wrongly and refunded


@dataclass(frozen=True)
class Checkout:
    id: str
    url: str


class Provider(Protocol):
    name: str

    def create_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def refund(self, payment_intent: str, amount_cents: int, idempotency_key: str) -> str: ...

    def expire_checkout(self, checkout_id: str) -> None: ...

    def verified_event(self, payload: bytes, signature: str | None) -> dict: ...


class ManualProvider:
    """Pay at class or by invoice: nothing to call; staff record what they took."""

    name = "manual"

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        raise PaymentUnavailable(N_("Online payment is not switched on; pay at the class."))

    def refund(self, payment_intent: str, amount_cents: int, idempotency_key: str) -> str:
        raise PaymentUnavailable("Online refunds are not switched on.")

    def expire_checkout(self, checkout_id: str) -> None:
        return None

    def verified_event(self, payload: bytes, signature: str | None) -> dict:
        raise InvalidSignature("No payment provider sends events here.")


class StripeProvider:
    """Stripe through its official client; STRIPE_API_BASE points it at a test server."""

    name = "stripe"

    def __init__(self, secret_key: str, webhook_secret: str, api_base: str):
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(secret_key, base_addresses={"api": api_base},
                                          max_network_retries=2)

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        params = {
            "mode": "payment",
            # Cards settle at once; a delayed method would leave the held seat unpaid for days.
            "payment_method_types": ["card"],
            "client_reference_id": str(request.enrollment_id),
            "metadata": {"enrollment_id": str(request.enrollment_id)},
            "customer_email": request.customer_email,
            "expires_at": int(request.expires_at.timestamp()),
            "success_url": request.success_url, "cancel_url": request.cancel_url,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": request.currency, "unit_amount": request.amount_cents,
                "product_data": {"name": request.description}}}],
        }
        key = f"checkout-{request.enrollment_id}-{int(request.expires_at.timestamp())}"
        key += f"-{request.attempt}" if request.attempt else ""
        created = self._call(self.client.v1.checkout.sessions.create, params, key)
        return Checkout(id=created.id, url=created.url)

    def refund(self, payment_intent: str, amount_cents: int, idempotency_key: str) -> str:
        params = {"payment_intent": payment_intent, "amount": amount_cents}
        return self._call(self.client.v1.refunds.create, params, idempotency_key).id

    def expire_checkout(self, checkout_id: str) -> None:
        try:
            self.client.v1.checkout.sessions.expire(checkout_id)
        except stripe.StripeError as error:  # already completed or expired: nothing to stop
            log.info("checkout %s not expired: %s", checkout_id, error)

    def verified_event(self, payload: bytes, signature: str | None) -> dict:
        try:
            stripe.Webhook.construct_event(payload, signature, self.webhook_secret,
                                           tolerance=SIGNATURE_TOLERANCE_SECONDS)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise InvalidSignature() from error
        return json.loads(payload)

    @staticmethod
    def _call(method, params: dict, idempotency_key: str):
        try:
            return method(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            log.warning("stripe refused or failed (%s): %s", type(error).__name__, error)
            raise PaymentUnavailable(
                N_("The payment service did not accept the request; try again in a moment.")
            ) from error


def refund_each(provider: Provider, due: list[tuple[int, str, int]], what: str,
                key_of: Callable[[int, str], str]) -> Iterator[tuple[int, str]]:
    """Refund each (row id, payment intent, amount) at the provider, keyed by `key_of(row id,
    intent)` so a repeat gets the first refund back; yields (row id, refund reference) for each
    made. A refusal is logged and left for the next sweep. Call outside any transaction."""
    for row_id, intent, amount in due:
        try:
            yield row_id, provider.refund(intent, amount, key_of(row_id, intent))
        except PaymentUnavailable as error:
            log.warning("refund of %s %s waits for the next sweep: %s", what, row_id, error)


def provider_from(config: Mapping) -> Provider:
    """The provider the configuration names (`manual` unless PAYMENT_PROVIDER=stripe)."""
    if config.get("PAYMENT_PROVIDER") == "stripe":
        return StripeProvider(config["STRIPE_SECRET_KEY"], config["STRIPE_WEBHOOK_SECRET"],
                              config["STRIPE_API_BASE"])
    return ManualProvider()
