"""Domain errors (each carries the API.md error code and HTTP status it maps to), and the one
check every one-line text field shares."""

from __future__ import annotations

import re

from app.services.language.text import N_


class DomainError(Exception):
    code = "invalid"
    status = 422
    default_message = N_("The request could not be processed.")

    def __init__(self, message: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields



class Malformed(DomainError):
    code, status = "malformed", 400
    default_message = N_("The request body must be a JSON object.")


class MistypedCode(DomainError):
    code, status = "mistyped_code", 400
    default_message = N_("This code looks mistyped — check the characters.")


class Unauthenticated(DomainError):
    code, status = "unauthenticated", 401
    default_message = N_("Sign in first: send a valid bearer token.")


class Forbidden(DomainError):
    code, status = "forbidden", 403
    default_message = N_("You are signed in, but may not do this.")


class NotFound(DomainError):
    code, status = "not_found", 404
    default_message = N_("Nothing was found here.")


class AlreadyEnrolled(DomainError):
    code, status = "already_enrolled", 409
    default_message = N_("You already hold a seat or a waitlist place in this class.")


class Conflict(DomainError):
    code, status = "conflict", 409
    default_message = N_("This change clashes with the record's current state.")


class Invalid(DomainError):
    code, status = "invalid", 422
    default_message = N_("Some fields are missing or wrong.")

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls(f"{name}: {message}", fields={name: [message]})


class EnrollmentClosed(DomainError):
    code, status = "enrollment_closed", 422
    default_message = N_("Enrollment for this class is closed.")


class SessionCancelled(DomainError):
    code, status = "session_cancelled", 422
    default_message = N_("This class has been cancelled.")


class NotStarted(DomainError):
    code, status = "not_started", 422
    default_message = N_("Outcomes can be recorded once the class has started.")


class OnlinePartMissing(Invalid):
    code, status = "online_part_missing", 422
    default_message = N_("A pass in a blended course needs the online part recorded first.")


class InvalidPromoCode(DomainError):
    code, status = "invalid_promo_code", 422
    default_message = N_("This promo code is unknown, expired, used up or not for this class.")


class InvalidVoucher(DomainError):
    code, status = "invalid_voucher", 422
    default_message = N_("No order has this voucher code.")


class VoucherNotValidHere(DomainError):
    code, status = "voucher_not_valid_here", 422
    default_message = N_("This voucher is for another course or another class.")


class VoucherUsedUp(DomainError):
    code, status = "voucher_used_up", 422
    default_message = N_("Every seat of this voucher has been used.")


class NotEnoughSeats(DomainError):
    code, status = "not_enough_seats", 422
    default_message = N_("The class has not enough free seats for this order.")


class InvalidSignature(DomainError):
    code, status = "invalid_signature", 400
    default_message = N_("The webhook signature is missing or does not match.")


class PaymentUnavailable(DomainError):
    code, status = "payment_unavailable", 503
    default_message = N_("Online payment cannot be reached just now; try again in a moment.")


class RateLimited(DomainError):
    code, status = "rate_limited", 429
    default_message = N_("Too many requests; try again later.")


# Control characters and line breaks (CR, LF, NEL, the Unicode line and paragraph separators):
# a name, a place or a title with one would break a mail header, a CSV row or a card.
LINE_BREAKING = "\\x00-\\x1f\\x7f\\x85\\u2028\\u2029"
_LINE_BREAKING = re.compile(f"[{LINE_BREAKING}]")


def breaks_line(value: str) -> bool:
    """Whether the text holds a line break or another control character."""
    return _LINE_BREAKING.search(value) is not None


def one_line(name: str, value: str | None) -> str | None:
    """The value, if it is one line of text; Invalid (on field `name`) if it holds a line
    break or another control character."""
    if value is not None and breaks_line(value):
        raise Invalid.field(name, "Must be one line, without line breaks or control characters.")
    return value
