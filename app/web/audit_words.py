"""Audit events in plain words for the staff pages (the log itself keeps its action codes);
the words are catalog entries, looked up in the page's language when shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_WORDS = {
    "authorisation.removed": _l("removed an instructor authorisation"),
    "authorisation.set": _l("set an instructor authorisation"),
    "catalog.loaded": _l("loaded the standard course catalog"),
    "certificate_issued": _l("issued a certificate"),
    "certificate_reissued": _l("reissued a certificate"),
    "certificate_revoked": _l("revoked a certificate"),
    "certificates.imported": _l("imported certificate records"),
    "course.created": _l("created a course"),
    "course.reactivated": _l("reactivated a course"),
    "course.updated": _l("changed a course"),
    "demo.seeded": _l("loaded the demo data"),
    "enrollment.cancelled": _l("cancelled a place"),
    "enrollment.promoted": _l("gave a waitlisted learner a seat"),
    "enrollment.transferred": _l("moved a learner to another class"),
    "external_card_recorded": _l("recorded an awarding body's card id"),
    "instructor_number.set": _l("set an instructor number"),
    "notification.retried": _l("queued a failed message again"),
    "organisation.created": _l("created an organisation"),
    "reminders_opt_out": _l("changed renewal reminders"),
    "role.granted": _l("granted a role"),
    "role.revoked": _l("removed a role"),
    "roster_finalised": _l("finalised a roster"),
    "session.cancelled": _l("cancelled a class"),
    "session.scheduled": _l("scheduled a class"),
    "session.updated": _l("changed a class"),
    "user.created": _l("created an account"),
    "user.deactivated": _l("deactivated an account"),
    "user.organisation_set": _l("linked an account to an organisation"),
    "user.password_changed": _l("changed a password"),
    "user.password_reset": _l("reset a password"),
    "user.password_reset_requested": _l("asked for a password reset"),
    "user.password_set": _l("set a password"),
    "user.reactivated": _l("reactivated an account"),
    "user.reminders_opt_out": _l("changed renewal reminders"),
    "user.signed_out_everywhere": _l("signed out everywhere"),
}
SUBJECT_WORDS = {"class_session": _l("class"), "certificate": _l("certificate"), "user": _l("account"),
                 "course": _l("course"), "notification": _l("message"), "enrollment": _l("place"),
                 "organisation": _l("organisation")}


def action_words(action: str) -> str:
    """'finalised a roster' for roster_finalised; an unknown code in readable form."""
    words = ACTION_WORDS.get(action)
    return str(words) if words is not None else action.replace("_", " ").replace(".", " ")


def subject_words(subject_type: str | None) -> str:
    words = SUBJECT_WORDS.get(subject_type or "")
    return str(words) if words is not None else (subject_type or "").replace("_", " ")
