"""The outbox and its mail: enqueue in the caller's transaction, deliver once, staff view."""

from app.services.notifications.admin import list_notifications, retry, status_counts
from app.services.notifications.outbox import (
    DeliveryPolicy,
    claim,
    deliver,
    deliver_due,
    enqueue,
    nudge_after_commit,
    set_dispatcher,
)

__all__ = ["DeliveryPolicy", "claim", "deliver", "deliver_due", "enqueue", "list_notifications",
           "nudge_after_commit", "retry", "set_dispatcher", "status_counts"]
