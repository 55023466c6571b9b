"""Security headers on every answer, and HTTPS forcing where the configuration asks for it.

A small after_request rather than a library: the pages need no scripts, styles come from
/static, and the public verification page must never be framed by another site (so a
look-alike cannot wrap a genuine "VALID" banner around its own content).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from argon2 import PasswordHasher
from flask import Flask, Response, current_app, redirect, request

from app.client_address import client_key
from app.extensions import limiter

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # Style attributes (a chart's width, a scrolling table) cannot run code; <style> and
    # stylesheets from elsewhere stay refused.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS_SECONDS = 31536000


def security_headers(response: Response) -> Response:
    """Add the standard headers unless a view already chose its own."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Verification URLs carry certificate codes: never send them to other sites.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def _is_https() -> bool:
    # Behind TRUSTED_PROXIES proxies, ProxyFix has already applied their X-Forwarded-Proto.
    return request.is_secure


def https_url() -> str:
    """This request's URL on PUBLIC_BASE_URL over HTTPS; the Host header is never trusted."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return urlunsplit(("https", base.netloc, base.path.rstrip("/") + request.path,
                       request.query_string.decode("latin-1"), ""))


def register_security(app: Flask) -> None:
    """Security headers everywhere; with FORCE_HTTPS, redirect plain HTTP and send HSTS."""
    app.after_request(security_headers)
    if not app.config.get("FORCE_HTTPS"):
        return

    @app.before_request
    def require_https():
        if _is_https():
            return None
        return redirect(https_url(), code=308)

    @app.after_request
    def strict_transport_security(response: Response) -> Response:
        if _is_https():
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains"
            )
        return response


def _account_or_address(account_id: int | None) -> str:
    return f"account:{account_id}" if account_id is not None else f"ip:{client_key()}"


def public_lookup_limit(exempt_when: Callable[[], bool] | None = None):
    """The per-IP budget (RATELIMIT_PUBLIC) shared by every public look-up of a code:
    the JSON record, the requirement check and the verification pages."""
    return limiter.shared_limit(lambda: current_app.config["RATELIMIT_PUBLIC"],
                                scope="certificate-lookup", exempt_when=exempt_when)


def bulk_limit(account_id: Callable[[], int | None]):
    """The per-account budget (RATELIMIT_BULK) for bulk verifications."""
    return limiter.shared_limit(lambda: current_app.config["RATELIMIT_BULK"],
                                scope="bulk-verification",
                                key_func=lambda: _account_or_address(account_id()))


def _target_email() -> str:
    typed = request.form.get("email", "").strip().lower()
    return "email:" + hashlib.sha256(typed.encode()).hexdigest()[:32]


def account_mail_limit(view):
    """On the pages that mail an account (reset, registration), POSTs are limited per target
    e-mail (RATELIMIT_ACCOUNT_MAIL) and per client address (RATELIMIT_ACCOUNT_MAIL_IP)."""
    per_email = limiter.shared_limit(lambda: current_app.config["RATELIMIT_ACCOUNT_MAIL"],
                                     scope="account-mail-email", key_func=_target_email,
                                     methods=["POST"])
    per_address = limiter.shared_limit(lambda: current_app.config["RATELIMIT_ACCOUNT_MAIL_IP"],
                                       scope="account-mail-address", methods=["POST"])
    return per_address(per_email(view))


def _lookup_email() -> str:
    # The page posts a form, the API a JSON object (anything else counts under "").
    sent = request.get_json(silent=True) if request.is_json else request.form
    typed = sent.get("email") if isinstance(sent, dict) else None
    typed = typed.strip().lower() if isinstance(typed, str) else ""
    return "email:" + hashlib.sha256(typed.encode()).hexdigest()[:32]


def card_lookup_limit(view):
    """Lost-card look-ups (page and API): POSTs limited per target e-mail
    (RATELIMIT_CARD_LOOKUP) and per client address with every public look-up (RATELIMIT_PUBLIC)."""
    per_email = limiter.shared_limit(lambda: current_app.config["RATELIMIT_CARD_LOOKUP"],
                                     scope="card-lookup-email", key_func=_lookup_email,
                                     methods=["POST"])
    per_address = limiter.shared_limit(lambda: current_app.config["RATELIMIT_PUBLIC"],
                                       scope="certificate-lookup", methods=["POST"])
    return per_address(per_email(view))


def password_hasher() -> PasswordHasher:
    """The app's argon2id hasher, built once from its configuration (ARGON2_* costs)."""
    return current_app.extensions["password_hasher"]
