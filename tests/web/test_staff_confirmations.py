"""Every irreversible staff action asks first (docs/design.md): the first post answers the
confirmation page, naming what will happen, and changes nothing; the post from that page
(`confirmed=1`) does it."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from sqlalchemy import select

from app.models import (
    ClassSession,
    Course,
    Enrollment,
    InstructorAuthorisation,
    Keycode,
    Notification,
    Payment,
    SeatOrder,
    User,
)
from app.models.base import utcnow
from app.services import blended, orders, payments
from app.services.schedule import authorisations
from app.web.templating import center_time, long_date
from tests import factories
from tests.support.blended import blended_class, blended_course, load

CONFIRMED = {"confirmed": "1"}


def asks(response, *facts: str, undo: str = "This cannot be undone.") -> str:
    """The confirmation page's text, after checking it is one, says whether (and how) the step
    can be undone, and states every fact."""
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert undo in page and 'name="confirmed" value="1"' in page
    if undo != "This cannot be undone.":
        assert "This cannot be undone." not in page
    for fact in facts:
        assert fact in page, fact
    return page


def paid_seat(class_session: ClassSession, learner: User, method: str = "cash") -> Enrollment:
    seat = payments.enroll(factories.db.session, learner, class_session.id, utcnow(),
                           payments.PaymentSettings())
    payments.record_payment(factories.db.session, factories.admin(), seat.id, "paid", method,
                            None, utcnow(), payments.PaymentSettings())
    return seat


def statuses(db, *enrollments: Enrollment) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Enrollment, e.id).status for e in enrollments]


def test_cancelling_a_class_says_who_is_told_and_what_is_refunded_first(db, login):
    class_session = factories.ClassSessionFactory(
        capacity=2, location="Room 4, 12 Elm St",
        course=factories.CourseFactory(title="Adult CPR", price_cents=8500))
    ada = paid_seat(class_session, factories.learner(full_name="Ada Seated"))
    ben = factories.EnrollmentFactory(session=class_session,
                                      learner=factories.learner(full_name="Ben Seated"))
    cy = factories.EnrollmentFactory(session=class_session, status="waitlisted",
                                     learner=factories.learner(full_name="Cy Waiting"))
    client = login(factories.admin())
    url = f"/admin/sessions/{class_session.id}/cancel"
    page = asks(client.post(url, data={"reason": "Power cut"}),
                f"Cancel Adult CPR on {center_time(class_session.starts_at)}?",
                "The class at Room 4, 12 Elm St is cancelled, and each e-mail gives the reason",
                "“Power cut”",
                "2 learners holding seats lose them and are e-mailed once: Ada Seated, Ben Seated.",
                "1 learner on the waitlist is taken off it and e-mailed once: Cy Waiting.",
                "1 payment taken by staff, $85.00 USD, is marked refunded at once",
                "Cancel the class")
    assert 'name="reason" value="Power cut"' in page
    assert statuses(db, ada, ben, cy) == ["enrolled", "enrolled", "waitlisted"]
    assert db.session.get(ClassSession, class_session.id).status == "scheduled"
    assert db.session.get(Payment, ada.payment.id).status == "paid"
    assert db.session.scalars(select(Notification).where(
        Notification.kind == "session_cancelled")).all() == []

    done = client.post(url, data={"reason": "Power cut", **CONFIRMED})
    assert done.status_code == 302
    assert statuses(db, ada, ben, cy) == ["cancelled"] * 3
    assert db.session.get(ClassSession, class_session.id).status == "cancelled"
    assert db.session.get(Payment, ada.payment.id).status == "refunded"
    assert len(db.session.scalars(select(Notification).where(
        Notification.kind == "session_cancelled")).all()) == 3


def test_cancelling_an_empty_class_says_nobody_is_told(db, login):
    class_session = factories.ClassSessionFactory()
    asks(login(factories.admin()).post(f"/admin/sessions/{class_session.id}/cancel",
                                       data={"reason": "Snow"}),
         "Nobody holds a seat or a waitlist place, so no learner is e-mailed.")
    db.session.expire_all()
    assert db.session.get(ClassSession, class_session.id).status == "scheduled"


def test_a_staff_refund_names_the_learner_course_amount_and_where_the_money_goes(db, login):
    class_session = factories.ClassSessionFactory(
        course=factories.CourseFactory(title="BLS Provider", price_cents=8500))
    seat = paid_seat(class_session, factories.learner(full_name="Rita Refund"))
    client = login(factories.admin())
    url = f"/admin/enrollments/{seat.id}/refund"
    asks(client.post(url),
         "Refund $85.00 USD to Rita Refund?",
         f"Rita Refund's payment for BLS Provider on {center_time(class_session.starts_at)}, "
         "$85.00 USD, is refunded in full.",
         "It was paid by cash: it is marked refunded at once",
         "the center pays the money back by cash.",
         "Rita Refund keeps the seat: only the payment is refunded.")
    db.session.expire_all()
    payment = db.session.get(Enrollment, seat.id).payment
    assert (payment.status, payment.refund_requested_at) == ("paid", None)

    assert client.post(url, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, seat.id).payment.status == "refunded"


def test_a_card_payment_is_said_to_go_back_to_the_card(db, login):
    seat = factories.EnrollmentFactory(learner=factories.learner(full_name="Carl Card"))
    db.session.add(Payment(enrollment_id=seat.id, provider="stripe", status="paid",
                           amount_cents=6500, currency="usd", method="stripe",
                           reference="pi_123", paid_at=utcnow()))
    db.session.commit()
    asks(login(factories.admin()).post(f"/admin/enrollments/{seat.id}/refund"),
         "Refund $65.00 USD to Carl Card?",
         "The money goes back to the card it was paid with, through Stripe")
    db.session.expire_all()
    assert db.session.get(Enrollment, seat.id).payment.refund_requested_at is None


def test_a_transfer_says_where_the_learner_goes_and_who_gets_the_seat(db, login):
    source = factories.ClassSessionFactory(capacity=1, course__title="Heartsaver CPR")
    moving = factories.EnrollmentFactory(session=source,
                                         learner=factories.learner(full_name="Mo Mover"))
    waiting = factories.EnrollmentFactory(session=source, status="waitlisted")
    target = factories.ClassSessionFactory(course=source.course, capacity=3,
                                           location="Hall B, 7 Oak Rd",
                                           starts_at=source.starts_at + timedelta(days=7))
    client = login(factories.admin())
    url = f"/admin/enrollments/{moving.id}/transfer"
    asks(client.post(url, data={"target": target.id}),
         "Move Mo Mover to another class?",
         f"Mo Mover leaves Heartsaver CPR on {center_time(source.starts_at)} for Heartsaver CPR "
         f"on {center_time(target.starts_at)} at Hall B, 7 Oak Rd",
         "They get a seat there (3 left now).",
         "Their seat here goes to the next learner on this class's waitlist (1 waiting)")
    assert statuses(db, moving, waiting) == ["enrolled", "waitlisted"]
    assert db.session.get(ClassSession, target.id).seats_taken == 0

    assert client.post(url, data={"target": target.id, **CONFIRMED}).status_code == 302
    assert statuses(db, moving, waiting) == ["cancelled", "enrolled"]
    assert db.session.get(ClassSession, target.id).seats_taken == 1


def test_deactivating_a_user_asks_first_and_reactivating_does_not(db, login):
    user = factories.learner(full_name="Dee Active", email="dee@example.test")
    client = login(factories.admin())
    url = f"/admin/users/{user.id}/active"
    asks(client.post(url), "Deactivate Dee Active's account?",
         "Dee Active (dee@example.test) can no longer sign in",
         "every browser session and API token of theirs ends now",
         undo="Reactivating the account later lets them sign in again")
    db.session.expire_all()
    assert db.session.get(User, user.id).active is True

    assert client.post(url, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    assert client.post(url).status_code == 302  # reactivating needs no confirmation
    db.session.expire_all()
    assert db.session.get(User, user.id).active is True


def test_removing_an_authorisation_names_the_instructor_and_family_first(db, login):
    factories.CourseFactory(family="bls", title="BLS Provider")
    instructor = factories.instructor(full_name="Ivy Teach")
    until = factories.center_today() + timedelta(days=200)
    authorisations.set_authorisation(db.session, factories.admin(), instructor, "bls", until)
    record = db.session.scalars(select(InstructorAuthorisation)).one()
    client = login(factories.admin())
    url = f"/admin/authorisations/{record.id}/remove"
    form = {"user_id": instructor.id}
    page = asks(client.post(url, data=form), "Remove Ivy Teach's BLS Provider authorisation?",
                f"Ivy Teach's authorisation to teach BLS Provider courses, valid until "
                f"{long_date(until)}, is deleted", "No new BLS Provider session can be given to Ivy Teach")
    assert f'name="user_id" value="{instructor.id}"' in page
    assert db.session.get(InstructorAuthorisation, record.id) is not None

    assert client.post(url, data=form | CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(InstructorAuthorisation, record.id) is None


def test_deactivating_a_course_asks_first_and_offering_it_again_does_not(db, login):
    course = factories.CourseFactory(code="FA-9", title="Adult First Aid")
    client = login(factories.admin())
    url = f"/admin/courses/{course.id}/active"
    asks(client.post(url), "Deactivate FA-9?",
         "Adult First Aid (FA-9) leaves the catalog",
         "no new session of it can be scheduled",
         "Sessions of it already scheduled stay on the schedule",
         undo="You can reactivate the course later from this list.")
    db.session.expire_all()
    assert db.session.get(Course, course.id).active is True

    assert client.post(url, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).active is False
    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).active is True


def test_marking_a_keycode_used_up_says_whose_it_is_and_what_is_left(db, login):
    course = blended_course()
    load(course, "HELD-1")
    _, (seat,) = blended_class(utcnow() + timedelta(days=3), learners=1, course=course)
    held = blended.assign_keycode(db.session, seat, utcnow())
    db.session.commit()
    free, _spare = load(course, "FREE-2", "FREE-3")
    client = login(factories.admin())
    url = f"/admin/courses/{course.id}/keycodes/used-up"
    asks(client.post(url, data={"keycode_id": free.id}), "Mark keycode FREE-2 used up?",
         "FREE-2 leaves the bank: it will never be handed to a learner.",
         "1 keycode of BLS HeartCode stays available.")
    asks(client.post(url, data={"keycode_id": held.id}),
         f"HELD-1 stays with {seat.learner.full_name} (class of "
         f"{center_time(seat.session.starts_at)}) but never goes back to the bank",
         "2 keycodes of BLS HeartCode stay available.")
    db.session.expire_all()
    assert not any(key.used_up for key in db.session.scalars(select(Keycode)))

    assert client.post(url, data={"keycode_id": held.id, **CONFIRMED}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Keycode, held.id).used_up


def test_marking_an_order_paid_names_the_organisation_seats_and_amount_first(db, login):
    employer = factories.employer()
    course = factories.CourseFactory(title="Workplace CPR")
    order = orders.place_order(db.session, employer, course.code, 2, None, utcnow(), "usd")
    amount = f"${order.amount_cents / 100:,.2f} USD"
    client = login(factories.admin())
    url = f"/admin/orders/{order.id}/payment"
    form = {"method": "check", "reference": "CHK 77"}
    page = asks(client.post(url, data=form), f"Mark order {order.id} paid?",
                f"Order {order.id} of {employer.organisation.name}, 2 seats of Workplace CPR, "
                f"is recorded as paid: {amount} by check.", "Reference: CHK 77.",
                "Its amount can no longer change")
    assert 'name="reference" value="CHK 77"' in page
    db.session.expire_all()
    assert db.session.get(SeatOrder, order.id).status == "unpaid"

    assert client.post(url, data=form | CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(SeatOrder, order.id).status == "paid"


def test_the_buttons_that_lead_to_a_confirmation_end_with_an_ellipsis(db, login):
    seat = factories.EnrollmentFactory()
    factories.ClassSessionFactory(course=seat.session.course)
    client = login(factories.admin())
    session_page = client.get(f"/admin/sessions/{seat.session_id}").get_data(as_text=True)
    assert 'value="Cancel this session…"' in session_page and ">Transfer…</button>" in session_page
    assert "Deactivate account…" in client.get(f"/admin/users/{seat.learner_id}").get_data(as_text=True)
    assert ">Deactivate…</button>" in client.get("/admin/courses").get_data(as_text=True)


def test_a_paid_learners_transfer_says_the_payment_goes_with_them(db, login):
    source = factories.ClassSessionFactory(course=factories.CourseFactory(price_cents=8500))
    target = factories.ClassSessionFactory(course=source.course,
                                           starts_at=source.starts_at + timedelta(days=7))
    seat = paid_seat(source, factories.learner(full_name="Pat Paid"))
    client = login(factories.admin())
    asks(client.post(f"/admin/enrollments/{seat.id}/transfer", data={"target": target.id}),
         "What they paid (or their employer's voucher) pays for the new place")
