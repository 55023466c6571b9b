"""How long Lifeline keeps what it no longer needs: settled outbox rows and old verification
look-ups. Audit events are the record and are never deleted here."""

from app.services.retention.sweep import RetentionSummary, forget_old_rows

__all__ = ["RetentionSummary", "forget_old_rows"]
