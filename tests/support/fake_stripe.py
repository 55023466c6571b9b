"""A local HTTP server that answers like Stripe's API (the parts Lifeline calls: Checkout
Sessions, their expiry, refunds), with errors on demand, and webhook events signed as Stripe
signs them. The official `stripe` library talks to it through STRIPE_API_BASE; no test
reaches the internet."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

WEBHOOK_SECRET = "whsec_test_lifeline"
SECRET_KEY = "sk_test_lifeline"
CARD_DECLINED = (402, {"error": {"type": "card_error", "code": "card_declined",
                                 "decline_code": "generic_decline",
                                 "message": "Your card was declined."}})
SERVER_ERROR = (500, {"error": {"type": "api_error", "message": "Something went wrong."}})


def unflatten(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (line_items[0][price_data][unit_amount]=8500) back to a dict."""
    result: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


@dataclass
class Call:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    authorization: str | None


@dataclass
class FakeStripe:
    """The server's state: calls received, objects made, failures queued per path prefix."""

    calls: list[Call] = field(default_factory=list)
    checkouts: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    failures: list[tuple[str, int, dict]] = field(default_factory=list)
    answered: dict[str, tuple[int, dict]] = field(default_factory=dict)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def fail(self, path_prefix: str, failure: tuple[int, dict], times: int = 1) -> None:
        """Answer the next `times` calls to paths starting with `path_prefix` with an error."""
        self.failures += [(path_prefix, *failure)] * times

    def calls_to(self, path_prefix: str) -> list[Call]:
        return [c for c in self.calls if c.path.startswith(path_prefix)]

    def answer(self, method: str, path: str, params: dict, key: str | None) -> tuple[int, dict]:
        with self.lock:
            for index, (prefix, status, body) in enumerate(self.failures):
                if path.startswith(prefix):
                    del self.failures[index]
                    return status, body
            # Stripe's idempotency: the same key gets the first answer back, nothing new made.
            if key and key in self.answered:
                return self.answered[key]
            status, body = self._make(method, path, params)
            if key:
                self.answered[key] = (status, body)
            return status, body

    def _make(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        number = next(self.ids)
        if path == "/v1/checkout/sessions":
            refused = _expiry_refused(int(params["expires_at"]))
            if refused:
                return 400, {"error": {"type": "invalid_request_error", "param": "expires_at",
                                       "message": refused}}
            checkout_id = f"cs_test_{number:06d}"
            item = params["line_items"]["0"]["price_data"]
            checkout = {
                "id": checkout_id, "object": "checkout.session", "mode": params["mode"],
                "url": f"https://checkout.stripe.test/c/pay/{checkout_id}",
                "amount_total": int(item["unit_amount"]), "currency": item["currency"],
                "client_reference_id": params.get("client_reference_id"),
                "metadata": params.get("metadata", {}), "expires_at": int(params["expires_at"]),
                "customer_email": params.get("customer_email"),
                "payment_status": "unpaid", "status": "open", "payment_intent": None}
            self.checkouts[checkout_id] = checkout
            return 200, checkout
        if path.startswith("/v1/checkout/sessions/") and path.endswith("/expire"):
            checkout = self.checkouts.get(path.split("/")[4])
            if checkout is None or checkout["status"] != "open":
                return 400, {"error": {"type": "invalid_request_error",
                                       "message": "Only open sessions can be expired."}}
            checkout["status"] = "expired"
            return 200, checkout
        if path == "/v1/refunds":
            refund = {"id": f"re_test_{number:06d}", "object": "refund", "status": "succeeded",
                      "payment_intent": params.get("payment_intent"),
                      "amount": int(params.get("amount", 0))}
            self.refunds[refund["id"]] = refund
            return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": f"No route {path}"}}

    def paid(self, checkout_id: str, intent: str | None = None, **changes) -> dict:
        """The checkout as Stripe shows it once the learner has paid."""
        checkout = dict(self.checkouts[checkout_id])
        checkout.update(payment_status="paid", status="complete",
                        payment_intent=intent or f"pi_{checkout_id}", **changes)
        return checkout


def _expiry_refused(expires_at: int) -> str | None:
    """Stripe's rule: a Checkout Session ends 30 minutes to 24 hours after it is made."""
    now = time.time()
    if expires_at < now + 30 * 60:
        return "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation."
    if expires_at > now + 24 * 3600:
        return "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation."
    return None


def _handler(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server interface)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            params = unflatten(parse_qsl(raw, keep_blank_values=True))
            key = self.headers.get("Idempotency-Key")
            with fake.lock:
                fake.calls.append(Call("POST", self.path, params, key,
                                       self.headers.get("Authorization")))
            status, body = fake.answer("POST", self.path, params, key)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{len(fake.calls)}")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            return None

    return Handler


def start() -> tuple[FakeStripe, ThreadingHTTPServer]:
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


def signature(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=<hex HMAC-SHA256(secret, "t.payload")>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(kind: str, checkout: dict, event_id: str | None = None) -> bytes:
    """A webhook event body carrying the checkout session, as Stripe sends it."""
    body = {"id": event_id or f"evt_{checkout['id']}_{kind.rsplit('.', 1)[-1]}",
            "object": "event", "type": kind, "api_version": "2025-01-27",
            "created": int(time.time()), "data": {"object": checkout}}
    return json.dumps(body).encode()
