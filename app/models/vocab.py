"""The domain's fixed vocabularies: levels, topics, guideline bases, statuses.

Topics and guideline bases are small fixed sets, stored as bit masks so that
"holds every topic of the requirement" is `(mask & wanted) = wanted` in plain SQL,
the same on SQLite and PostgreSQL, without a join per certificate.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.services.language.text import N_

LEVELS = ("lay_rescuer", "healthcare_provider")
LEVEL_LABELS = {
    "lay_rescuer": N_("Lay Rescuer"),
    "healthcare_provider": N_("Healthcare Provider (BLS)"),
}
TOPICS = (
    "adult_cpr",
    "child_cpr",
    "infant_cpr",
    "aed",
    "first_aid",
    "bloodborne_pathogens",
    "team_cpr",
    "bag_valve_mask",
    "advanced_airway",
    "oxygen",
)
TOPIC_LABELS = {
    "adult_cpr": N_("adult CPR"),
    "child_cpr": N_("child CPR"),
    "infant_cpr": N_("infant CPR"),
    "aed": N_("AED use"),
    "first_aid": N_("first aid"),
    "bloodborne_pathogens": N_("bloodborne pathogens"),
    "team_cpr": N_("team CPR"),
    "bag_valve_mask": N_("bag-valve-mask ventilation"),
    "advanced_airway": N_("advanced airway"),
    "oxygen": N_("oxygen administration"),
}
GUIDELINES = ("AHA", "ARC", "ECC", "ILCOR", "OSHA")
EXPIRY_RULES = ("end_of_month", "exact_date")
COURSE_FORMATS = ("classroom", "blended", "skills_check")
ROLES = ("learner", "instructor", "admin", "employer")
SESSION_STATUSES = ("scheduled", "cancelled", "completed")
ENROLLMENT_STATUSES = ("enrolled", "waitlisted", "cancelled", "passed", "failed", "no_show",
                       "pending_payment")
ACTIVE_ENROLLMENT_STATUSES = ("enrolled", "waitlisted", "passed", "failed", "no_show",
                              "pending_payment")
# A seat taken now: enrolled or held while the learner pays (counted in seats_taken).
SEAT_CLAIMING_STATUSES = ("enrolled", "pending_payment")
SEAT_HOLDING_STATUSES = ("enrolled", "passed", "failed", "no_show")
OUTCOMES = ("passed", "failed", "no_show")
# Why a certificate was revoked, as the public record says it; the free-text reason stays with
# staff (the admin page and the audit log).
REVOCATION_CATEGORIES = ("issued_in_error", "replaced", "withdrawn", "training_not_completed")
REVOCATION_LABELS = {
    "issued_in_error": N_("issued in error"),
    "replaced": N_("replaced"),
    "withdrawn": N_("withdrawn"),
    "training_not_completed": N_("training not completed"),
}


def revocation_label(category: str | None) -> str:
    """The words the public record uses for a revocation category."""
    return REVOCATION_LABELS.get(category or "withdrawn", REVOCATION_LABELS["withdrawn"])


NOTIFICATION_STATUSES = ("pending", "sending", "sent", "failed", "skipped")
NOTIFICATION_KINDS = (
    "enrollment_confirmed",
    "waitlist_joined",
    "waitlist_promoted",
    "enrollment_cancelled",
    "enrollment_transferred",
    "session_changed",
    "session_cancelled",
    "certificate_issued",
    "certificate_revoked",
    "renewal_reminder",
    "password_reset",
    "authorisation_reminder",
    "account_created",
    "registration_attempt",
    "class_reminder",
    "instructor_roster",
    "low_enrollment",
    "keycodes_low",
    "card_lookup",
    "seat_held",
    "payment_refunded",
    "order_invitation",
    "class_scheduled",
    "order_invoice",
    "stray_charge_refunded",
)
PAYMENT_STATUSES = ("not_required", "unpaid", "pending", "paid", "covered", "refunded", "waived",
                    "expired")
ORDER_STATUSES = ("unpaid", "paid")
CLASS_REQUEST_STATUSES = ("requested", "scheduled", "declined")
PAYMENT_PROVIDERS = ("manual", "stripe")
# How staff took a payment; "stripe" is the online checkout's.
PAYMENT_METHODS = ("cash", "card", "check", "invoice", "stripe")


def level_rank(level: str) -> int:
    return LEVELS.index(level)


def levels_at_least(level: str) -> tuple[str, ...]:
    """Every level at or above the given one, for `level IN (...)` in SQL."""
    return LEVELS[level_rank(level):]


def _mask(values: Iterable[str], vocabulary: tuple[str, ...], what: str) -> int:
    mask = 0
    for value in values:
        if value not in vocabulary:
            raise ValueError(f"unknown {what}: {value!r}")
        mask |= 1 << vocabulary.index(value)
    return mask


def _unmask(mask: int, vocabulary: tuple[str, ...]) -> list[str]:
    return [value for bit, value in enumerate(vocabulary) if mask & (1 << bit)]


def topics_to_mask(topics: Iterable[str]) -> int:
    return _mask(topics, TOPICS, "topic")


def mask_to_topics(mask: int) -> list[str]:
    return _unmask(mask, TOPICS)


def guidelines_to_mask(guidelines: Iterable[str]) -> int:
    return _mask(guidelines, GUIDELINES, "guideline basis")


def mask_to_guidelines(mask: int) -> list[str]:
    return _unmask(mask, GUIDELINES)


ALL_TOPICS_MASK = (1 << len(TOPICS)) - 1
ALL_GUIDELINES_MASK = (1 << len(GUIDELINES)) - 1
