"""Payments tests: the app switched to Stripe against the local fake Stripe server."""

from __future__ import annotations

import pytest

from tests.support import fake_stripe


@pytest.fixture
def stripe_server():
    fake, server = fake_stripe.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe_on(app, stripe_server):
    """The test app with PAYMENT_PROVIDER=stripe, pointed at the fake server."""
    app.config.update(PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY=fake_stripe.SECRET_KEY,
                      STRIPE_WEBHOOK_SECRET=fake_stripe.WEBHOOK_SECRET,
                      STRIPE_API_BASE=stripe_server.url)
    app.extensions.pop("payment_provider", None)
    yield stripe_server
    app.config.update(PAYMENT_PROVIDER="manual")
    app.extensions.pop("payment_provider", None)


@pytest.fixture
def deliver(client):
    """Post a webhook event to Lifeline, signed as Stripe signs it (or with the given header)."""

    def post(payload: bytes, header: str | None = None, **signing):
        headers = {"Content-Type": "application/json"}
        signed = header if header is not None else fake_stripe.signature(payload, **signing)
        if signed:
            headers["Stripe-Signature"] = signed
        return client.post("/api/v1/payments/stripe/webhook", data=payload, headers=headers)

    return post


@pytest.fixture
def enroll(client, api_token):
    """Enroll a learner through the API; answers (response, learner)."""
    from tests import factories

    def post(class_session, learner=None, **body):
        learner = learner or factories.learner()
        response = client.post(f"/api/v1/sessions/{class_session.id}/enrollments", json=body,
                               headers=api_token(learner))
        return response, learner

    return post
