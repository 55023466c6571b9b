"""What a renewal reminder e-mail shows: the certificate, its expiry, sessions that renew it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import false, select, true
from sqlalchemy.orm import Session

from app.models import Certificate, ClassSession, Course, Notification
from app.models.base import utcnow
from app.models.vocab import guidelines_to_mask
from app.services.catalog.requirements import covers_sql
from app.services.clock import local_date
from app.services.language import formatting
from app.services.notifications.language import mail_locale

# The awarding bodies whose cards renew only with a class of the same body.
AWARDING_BODIES = guidelines_to_mask(["AHA", "ARC"])


def upcoming_renewals(session: Session, certificate: Certificate, now: datetime,
                      limit: int = 3) -> list[ClassSession]:
    """Open upcoming sessions with a free seat, of an active, non-instructor course of the
    family and awarding body (AHA or Red Cross) that renews it: renewal courses first."""
    body = certificate.guidelines_mask & AWARDING_BODIES
    same_body = Course.guidelines_mask.op("&")(body) != 0 if body else true()
    return list(session.scalars(
        select(ClassSession).join(Course, Course.id == ClassSession.course_id)
        .where(ClassSession.status == "scheduled", ClassSession.starts_at > now,
               ClassSession.enrollment_closes_at > now,
               ClassSession.seats_taken < ClassSession.capacity, same_body,
               Course.family == certificate.course_family, Course.active == true(),
               Course.instructor_course == false(),
               covers_sql(Course.level, Course.topics_mask, certificate.level,
                          certificate.topics_mask))
        .order_by(Course.renewal.desc(), ClassSession.starts_at, ClassSession.id).limit(limit)
    ).unique())


def mail_context(session: Session, notification: Notification, config: Mapping) -> dict:
    """What a reminder e-mail shows: the certificate, its expiry, and sessions that renew it."""
    certificate = session.get(Certificate, notification.certificate_id)
    now = utcnow()
    today = local_date(now, config["CENTER_TIMEZONE"])
    expiry = certificate.expires_on
    locale = mail_locale(notification)  # the recipient's, when the mail is sent
    sessions = [
        {"title": class_session.course.title,
         "starts": formatting.moment_text(class_session.starts_at, config["CENTER_TIMEZONE"],
                                          locale),
         "location": class_session.location, "seats_left": class_session.seats_left,
         "url": f"{config['PUBLIC_BASE_URL']}/sessions/{class_session.id}"}
        for class_session in upcoming_renewals(session, certificate, now)
    ]
    return {"certificate": certificate, "days_left": max((expiry - today).days, 0),
            "expires_label": formatting.long_date(expiry, locale),
            "renewal_sessions": sessions}


