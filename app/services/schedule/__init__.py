"""The schedule: class sessions, staff changes to them, and instructor authorisations."""

from app.services.schedule.cancellation_preview import CancellationPreview, cancellation_preview
from app.services.schedule.changes import (
    cancel_session,
    schedule_listing,
    schedule_weekly_series,
    session_enrollments,
    transfer_enrollment,
    transfer_targets,
    update_session,
)
from app.services.schedule.sessions import (
    SessionFilter,
    get_session,
    list_upcoming,
    schedule_session,
    waitlist_lengths,
)

__all__ = ["CancellationPreview", "SessionFilter", "cancel_session", "cancellation_preview",
           "get_session", "list_upcoming",
           "schedule_listing", "schedule_session", "schedule_weekly_series",
           "session_enrollments", "transfer_enrollment", "transfer_targets", "update_session",
           "waitlist_lengths"]
