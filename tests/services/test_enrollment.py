"""The enrollment service: seats, the waitlist, refusals and cancellations (DESIGN.md 1, 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, ClassSession, Enrollment, Notification
from app.models.base import utcnow
from app.services import enrollment as service
from app.services.errors import (
    AlreadyEnrolled,
    Conflict,
    EnrollmentClosed,
    NotFound,
    SessionCancelled,
)
from tests import factories


def notifications_of(db, kind):
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))


def seats_taken(db, class_session):
    db.session.expire_all()
    return db.session.get(ClassSession, class_session.id).seats_taken


def full_session(capacity=1):
    class_session = factories.ClassSessionFactory(capacity=capacity)
    holders = [factories.EnrollmentFactory(session=class_session) for _ in range(capacity)]
    return class_session, holders


def test_free_seat_enrolls_and_writes_confirmation_and_audit(db):
    class_session = factories.ClassSessionFactory(capacity=2)
    learner = factories.learner()
    enrollment = service.enroll(db.session, learner, class_session.id, utcnow())
    assert enrollment.status == "enrolled"
    assert seats_taken(db, class_session) == 1
    [mail] = notifications_of(db, "enrollment_confirmed")
    assert mail.recipient_id == learner.id
    assert mail.event_key == f"enrollment_confirmed:{enrollment.id}"
    assert (mail.subject_type, mail.subject_id) == ("enrollment", enrollment.id)
    assert mail.context["course_title"] == class_session.course.title
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == enrollment.id,
                                                      AuditEvent.subject_type == "enrollment"))


def test_full_class_waitlists_the_next_learner_in_arrival_order(db):
    class_session, _ = full_session(capacity=1)
    first = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    second = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    assert (first.status, second.status) == ("waitlisted", "waitlisted")
    assert service.waitlist_position(db.session, first) == 1
    assert service.waitlist_position(db.session, second) == 2
    assert service.waitlist_positions(db.session, [first, second]) == {first.id: 1, second.id: 2}
    assert seats_taken(db, class_session) == 1
    joined = notifications_of(db, "waitlist_joined")
    assert [n.context["waitlist_position"] for n in joined] == [1, 2]


def test_enrolling_twice_is_refused(db):
    class_session = factories.ClassSessionFactory()
    learner = factories.learner()
    service.enroll(db.session, learner, class_session.id, utcnow())
    with pytest.raises(AlreadyEnrolled):
        service.enroll(db.session, learner, class_session.id, utcnow())
    assert seats_taken(db, class_session) == 1


def test_waitlisted_learner_cannot_enroll_again(db):
    class_session, _ = full_session()
    learner = factories.learner()
    service.enroll(db.session, learner, class_session.id, utcnow())
    with pytest.raises(AlreadyEnrolled):
        service.enroll(db.session, learner, class_session.id, utcnow())


def test_enrollment_after_the_cut_off_is_refused(db):
    starts = utcnow() + timedelta(days=2)
    class_session = factories.ClassSessionFactory(starts_at=starts,
                                                  enrollment_closes_at=starts - timedelta(days=1))
    with pytest.raises(EnrollmentClosed):
        service.enroll(db.session, factories.learner(), class_session.id,
                       starts - timedelta(hours=12))
    assert seats_taken(db, class_session) == 0


def test_enrollment_in_a_started_or_past_session_is_refused(db):
    class_session = factories.ClassSessionFactory()
    with pytest.raises(EnrollmentClosed):
        service.enroll(db.session, factories.learner(), class_session.id,
                       class_session.starts_at + timedelta(minutes=1))


def test_enrollment_in_a_cancelled_session_is_refused(db):
    class_session = factories.ClassSessionFactory(status="cancelled")
    with pytest.raises(SessionCancelled):
        service.enroll(db.session, factories.learner(), class_session.id, utcnow())


def test_unknown_session_is_not_found(db):
    with pytest.raises(NotFound):
        service.enroll(db.session, factories.learner(), 999_999, utcnow())


def test_learner_may_enroll_again_after_cancelling(db):
    class_session = factories.ClassSessionFactory()
    learner = factories.learner()
    first = service.enroll(db.session, learner, class_session.id, utcnow())
    service.cancel_enrollment(db.session, learner, first.id, utcnow())
    again = service.enroll(db.session, learner, class_session.id, utcnow())
    assert again.id != first.id and again.status == "enrolled"
    assert seats_taken(db, class_session) == 1


def test_cancelling_a_seat_promotes_the_first_waitlisted_and_notifies_them(db):
    class_session, [holder] = full_session()
    first = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    second = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    cancelled = service.cancel_enrollment(db.session, holder.learner, holder.id, utcnow())
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    db.session.expire_all()
    assert db.session.get(Enrollment, first.id).status == "enrolled"
    assert db.session.get(Enrollment, second.id).status == "waitlisted"
    assert service.waitlist_position(db.session, db.session.get(Enrollment, second.id)) == 1
    assert seats_taken(db, class_session) == 1
    [promoted] = notifications_of(db, "waitlist_promoted")
    assert promoted.recipient_id == first.learner_id
    assert notifications_of(db, "enrollment_cancelled")[0].recipient_id == holder.learner_id


def test_cancelling_a_waitlist_place_frees_no_seat(db):
    class_session, _ = full_session()
    waiting = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    service.cancel_enrollment(db.session, waiting.learner, waiting.id, utcnow())
    assert seats_taken(db, class_session) == 1
    assert notifications_of(db, "waitlist_promoted") == []


def test_another_learners_enrollment_is_not_found(db):
    enrollment = factories.EnrollmentFactory()
    with pytest.raises(NotFound):
        service.cancel_enrollment(db.session, factories.learner(), enrollment.id, utcnow())
    with pytest.raises(NotFound):
        service.cancel_enrollment(db.session, factories.learner(), 999_999, utcnow())
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).status == "enrolled"


def test_learner_cannot_cancel_after_the_start_but_an_admin_can(db):
    enrollment = factories.EnrollmentFactory()
    later = enrollment.session.starts_at + timedelta(minutes=5)
    with pytest.raises(EnrollmentClosed):
        service.cancel_enrollment(db.session, enrollment.learner, enrollment.id, later)
    cancelled = service.cancel_enrollment(db.session, factories.admin(), enrollment.id, later)
    assert cancelled.status == "cancelled"


def test_an_enrollment_with_an_outcome_cannot_be_cancelled(db):
    enrollment = factories.EnrollmentFactory(status="passed")
    with pytest.raises(Conflict):
        service.cancel_enrollment(db.session, factories.admin(), enrollment.id, utcnow())


def test_cancelling_twice_changes_nothing_more(db):
    class_session, [holder] = full_session()
    service.cancel_enrollment(db.session, holder.learner, holder.id, utcnow())
    again = service.cancel_enrollment(db.session, holder.learner, holder.id, utcnow())
    assert again.status == "cancelled"
    assert seats_taken(db, class_session) == 0


def test_promote_fills_every_free_seat_without_committing(db):
    class_session, holders = full_session(capacity=1)
    waiting = [service.enroll(db.session, factories.learner(), class_session.id, utcnow())
               for _ in range(3)]
    db.session.execute(ClassSession.__table__.update().values(capacity=3))
    db.session.commit()
    class_session = db.session.get(ClassSession, class_session.id)
    promoted = service.promote_from_waitlist(db.session, class_session, utcnow())
    assert [e.id for e in promoted] == [waiting[0].id, waiting[1].id]
    db.session.rollback()  # the caller owns the transaction
    assert seats_taken(db, class_session) == 1


def test_claim_and_release_move_the_counter_within_capacity(db):
    class_session = factories.ClassSessionFactory(capacity=1)
    assert service.claim_seat(db.session, class_session.id) is True
    assert service.claim_seat(db.session, class_session.id) is False
    service.release_seat(db.session, class_session.id)
    service.release_seat(db.session, class_session.id)
    db.session.commit()
    assert seats_taken(db, class_session) == 0


def test_promote_keeps_the_callers_unflushed_capacity_change(db):
    class_session, _ = full_session(capacity=1)
    waiting = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    class_session = db.session.get(ClassSession, class_session.id)
    class_session.capacity = 2
    promoted = service.promote_from_waitlist(db.session, class_session, utcnow())
    db.session.commit()
    assert [e.id for e in promoted] == [waiting.id]
    assert seats_taken(db, class_session) == 2


def test_calendar_invite_is_only_for_seat_giving_mail(db, app):
    from app.services.enrollment import calendar_invites

    class_session = factories.ClassSessionFactory(capacity=1)
    seat = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    waiting = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    [confirmed] = notifications_of(db, "enrollment_confirmed")
    [joined] = notifications_of(db, "waitlist_joined")
    [(_, _, first)] = calendar_invites.invite_attachments(db.session, confirmed, app.config)
    [(_, _, again)] = calendar_invites.invite_attachments(db.session, confirmed, app.config)
    uid = f"UID:enrollment-{seat.id}@lifeline.test".encode()
    assert uid in first and uid in again
    assert b"DTSTART:" in first and first.count(b"Z\r\n") >= 2  # times in UTC
    assert b"ORGANIZER;CN=" in first
    assert calendar_invites.invite_attachments(db.session, joined, app.config) == []
    service.cancel_enrollment(db.session, seat.learner, seat.id, utcnow())
    [promoted] = notifications_of(db, "waitlist_promoted")
    assert promoted.recipient_id == waiting.learner_id
    assert calendar_invites.invite_attachments(db.session, promoted, app.config)
