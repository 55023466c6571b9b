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
    "class_request.made": _l("asked for a private class"),
    "class_request.scheduled": _l("scheduled a requested private class"),
    "course.created": _l("created a course"),
    "course.deactivated": _l("deactivated a course"),
    "course.reactivated": _l("reactivated a course"),
    "course.updated": _l("changed a course"),
    "demo.seeded": _l("loaded the demo data"),
    "enrollment.cancelled": _l("cancelled a place"),
    "enrollment.enrolled": _l("took a seat in a class"),
    "enrollment.pending_payment": _l("held a seat while paying online"),
    "enrollment.promoted": _l("gave a waitlisted learner a seat"),
    "enrollment.transferred": _l("moved a learner to another class"),
    "enrollment.waitlisted": _l("joined a class's waitlist"),
    "external_card_recorded": _l("recorded an awarding body's card id"),
    "holds.released": _l("released seats held too long without payment"),
    "instructor_number.set": _l("set an instructor number"),
    "keycode.used_up": _l("marked an online-course keycode used up"),
    "keycodes.loaded": _l("loaded online-course keycodes"),
    "notification.retried": _l("queued a failed message again"),
    "online_part.confirmed": _l("confirmed a learner's online part"),
    "online_part.recorded": _l("recorded a completed online part"),
    "order.amount_set": _l("set the amount of a seat order"),
    "order.invited": _l("invited people to use ordered seats"),
    "order.invoice_mailed": _l("mailed the invoice of a seat order"),
    "order.paid": _l("recorded a seat order as paid"),
    "order.placed": _l("placed an order for seats"),
    "organisation.billing_set": _l("changed an organisation's billing details"),
    "organisation.created": _l("created an organisation"),
    "outcome_corrected": _l("corrected a learner's outcome on a finalised roster"),
    "outcome_recorded": _l("recorded a learner's outcome"),
    "payment.amount_mismatch": _l("received an online payment of the wrong amount"),
    "payment.checkout_opened": _l("opened an online checkout for a seat"),
    "payment.paid": _l("recorded a payment"),
    "payment.refund_requested": _l("asked for a refund"),
    "payment.refunded": _l("refunded a payment"),
    "payment.stray_charge": _l("found an online charge that was not owed"),
    "payment.stray_refunded": _l("refunded an online charge that was not owed"),
    "payment.waived": _l("waived a payment"),
    "promo_code.created": _l("created a promo code"),
    "reminders_opt_out": _l("changed renewal reminders"),
    "role.granted": _l("granted a role"),
    "role.revoked": _l("removed a role"),
    "roster_finalised": _l("finalised a roster"),
    "session.cancelled": _l("cancelled a class"),
    "session.scheduled": _l("scheduled a class"),
    "session.updated": _l("changed a class"),
    "user.created": _l("created an account"),
    "user.deactivated": _l("deactivated an account"),
    "user.language_set": _l("changed the language of their pages and e-mails"),
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
                 "organisation": _l("organisation"), "seat_order": _l("seat order"),
                 "class_request": _l("class request"), "promo_code": _l("promo code"),
                 "keycode": _l("keycode")}


def action_words(action: str) -> str:
    """'finalised a roster' for roster_finalised; an unknown code in readable form."""
    words = ACTION_WORDS.get(action)
    return str(words) if words is not None else action.replace("_", " ").replace(".", " ")


def subject_words(subject_type: str | None) -> str:
    words = SUBJECT_WORDS.get(subject_type or "")
    return str(words) if words is not None else (subject_type or "").replace("_", " ")
