"""The outbox and its mail: rows enqueued in the caller's transaction, the staff view of them.
Delivery (claim, send once, record) is `notifications.delivery`, which only workers call."""

from app.services.notifications.admin import list_notifications, retry, status_counts
from app.services.notifications.outbox import committed_notification_ids, enqueue, nudge_after_commit

__all__ = ["committed_notification_ids", "enqueue", "list_notifications", "nudge_after_commit",
           "retry", "status_counts"]
