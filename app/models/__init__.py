"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from app.models.audit import AuditEvent
from app.models.blended import ClassReminder, Keycode, OnlinePart
from app.models.certificate import Certificate, VerificationLog, WatchListEntry
from app.models.course import Course
from app.models.notification import Notification
from app.models.order import ClassRequest, OrderInvitation, OrderRedemption, SeatOrder
from app.models.payment import Payment, PromoCode, StrayCharge, StripeEvent
from app.models.records_import import RecordsImportUpload
from app.models.scheduling import ClassSession, Enrollment
from app.models.user import ApiToken, InstructorAuthorisation, Organisation, User, UserRole

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Certificate",
    "ClassReminder",
    "ClassRequest",
    "ClassSession",
    "Course",
    "Enrollment",
    "InstructorAuthorisation",
    "Keycode",
    "Notification",
    "OnlinePart",
    "OrderInvitation",
    "OrderRedemption",
    "Organisation",
    "Payment",
    "PromoCode",
    "RecordsImportUpload",
    "SeatOrder",
    "StrayCharge",
    "StripeEvent",
    "User",
    "UserRole",
    "VerificationLog",
    "WatchListEntry",
]
