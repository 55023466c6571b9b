"""Enrollment: seats claimed atomically, the waitlist, cancellations, calendar invites."""

from app.services.enrollment.covered import carry_over
from app.services.enrollment.covered import kept as give_back_order_seat
from app.services.enrollment.seats import (
    active_enrollment,
    cancel_enrollment,
    claim_seat,
    closed_reason,
    enroll,
    enrollments_of,
    locked_class_session,
    mail_context,
    promote_from_waitlist,
    release_seat,
    require_id,
    take_write_lock,
)
from app.services.enrollment.waitlist import waitlist_position, waitlist_positions

__all__ = ["active_enrollment", "cancel_enrollment", "carry_over", "claim_seat", "closed_reason",
           "enroll", "enrollments_of", "give_back_order_seat", "locked_class_session",
           "mail_context", "promote_from_waitlist", "release_seat", "require_id", "take_write_lock",
           "waitlist_position", "waitlist_positions"]
