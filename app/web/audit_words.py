"""Audit events in plain words for the staff pages (the log itself keeps its action codes)."""

from __future__ import annotations

ACTION_WORDS = {
    "authorisation.removed": "removed an instructor authorisation",
    "authorisation.set": "set an instructor authorisation",
    "catalog.loaded": "loaded the standard course catalog",
    "certificate_issued": "issued a certificate",
    "certificate_reissued": "reissued a certificate",
    "certificate_revoked": "revoked a certificate",
    "certificates.imported": "imported certificate records",
    "course.created": "created a course",
    "course.reactivated": "reactivated a course",
    "course.updated": "changed a course",
    "demo.seeded": "loaded the demo data",
    "enrollment.cancelled": "cancelled a place",
    "enrollment.promoted": "gave a waitlisted learner a seat",
    "enrollment.transferred": "moved a learner to another class",
    "external_card_recorded": "recorded an awarding body's card id",
    "instructor_number.set": "set an instructor number",
    "notification.retried": "queued a failed message again",
    "organisation.created": "created an organisation",
    "reminders_opt_out": "changed renewal reminders",
    "role.granted": "granted a role",
    "role.revoked": "removed a role",
    "roster_finalised": "finalised a roster",
    "session.cancelled": "cancelled a class",
    "session.scheduled": "scheduled a class",
    "session.updated": "changed a class",
    "user.created": "created an account",
    "user.deactivated": "deactivated an account",
    "user.organisation_set": "linked an account to an organisation",
    "user.password_changed": "changed a password",
    "user.password_reset": "reset a password",
    "user.password_reset_requested": "asked for a password reset",
    "user.password_set": "set a password",
    "user.reactivated": "reactivated an account",
    "user.reminders_opt_out": "changed renewal reminders",
    "user.signed_out_everywhere": "signed out everywhere",
}
SUBJECT_WORDS = {"class_session": "class", "certificate": "certificate", "user": "account",
                 "course": "course", "notification": "message", "enrollment": "place",
                 "organisation": "organisation"}


def action_words(action: str) -> str:
    """'finalised a roster' for roster_finalised; an unknown code in readable form."""
    return ACTION_WORDS.get(action, action.replace("_", " ").replace(".", " "))


def subject_words(subject_type: str | None) -> str:
    return SUBJECT_WORDS.get(subject_type or "", (subject_type or "").replace("_", " "))
