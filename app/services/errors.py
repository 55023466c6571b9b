"""Domain errors. Each carries the API.md error code and HTTP status it maps to."""

from __future__ import annotations


class DomainError(Exception):
    code = "invalid"
    status = 422
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields



class Malformed(DomainError):
    code, status = "malformed", 400
    default_message = "The request body must be a JSON object."


class MistypedCode(DomainError):
    code, status = "mistyped_code", 400
    default_message = "This code looks mistyped — check the characters."


class Unauthenticated(DomainError):
    code, status = "unauthenticated", 401
    default_message = "Sign in first: send a valid bearer token."


class Forbidden(DomainError):
    code, status = "forbidden", 403
    default_message = "You are signed in, but may not do this."


class NotFound(DomainError):
    code, status = "not_found", 404
    default_message = "Nothing was found here."


class AlreadyEnrolled(DomainError):
    code, status = "already_enrolled", 409
    default_message = "You already hold a seat or a waitlist place in this class."


class Conflict(DomainError):
    code, status = "conflict", 409
    default_message = "This change clashes with the record's current state."


class Invalid(DomainError):
    code, status = "invalid", 422
    default_message = "Some fields are missing or wrong."

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls(f"{name}: {message}", fields={name: [message]})


class EnrollmentClosed(DomainError):
    code, status = "enrollment_closed", 422
    default_message = "Enrollment for this class is closed."


class SessionCancelled(DomainError):
    code, status = "session_cancelled", 422
    default_message = "This class has been cancelled."


class NotStarted(DomainError):
    code, status = "not_started", 422
    default_message = "Outcomes can be recorded once the class has started."


class RateLimited(DomainError):
    code, status = "rate_limited", 429
    default_message = "Too many requests; try again later."
