"""Re-exports of the shared column helpers, for model and service modules."""

from app.database import Base, UTCDateTime, check_in, utcnow

__all__ = ["Base", "UTCDateTime", "check_in", "utcnow"]
