"""Models to the JSON shapes of API.md."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from app.models import ClassSession, Course, Enrollment
from app.services import blended


def moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def course_json(course: Course) -> dict:
    return {
        "code": course.code, "family": course.family, "title": course.title,
        "description": course.description, "level": course.level, "topics": course.topics,
        "guidelines": course.guidelines, "validity_months": course.validity_months,
        "expiry_rule": course.expiry_rule, "format": course.format,
        "duration_minutes": course.duration_minutes, "default_capacity": course.default_capacity,
        "price_cents": course.price_cents, "renewal": course.renewal,
        "instructor_course": course.instructor_course, "active": course.active,
        "what_to_bring": course.what_to_bring, "online_course_url": course.online_course_url,
    }


def session_json(class_session: ClassSession, waitlist_length: int) -> dict:
    course = class_session.course
    return {
        "id": class_session.id,
        "course": {"code": course.code, "title": course.title, "level": course.level},
        "starts_at": moment(class_session.starts_at),
        "ends_at": moment(class_session.ends_at),
        "location": class_session.location,
        "arrival_notes": class_session.arrival_notes,
        "instructor_name": class_session.instructor.full_name,
        "capacity": class_session.capacity,
        "seats_left": class_session.seats_left,
        "waitlist_length": waitlist_length,
        "enrollment_closes_at": moment(class_session.enrollment_closes_at),
        "status": class_session.status,
        "price_cents": class_session.price_due_cents,
        "private": class_session.private,
    }


def enrollment_json(enrollment: Enrollment, waitlist_position: int | None,
                    show_keycode: bool = True) -> dict:
    return {
        "id": enrollment.id,
        "session_id": enrollment.session_id,
        "status": enrollment.status,
        "waitlist_position": waitlist_position if enrollment.status == "waitlisted" else None,
        "created_at": moment(enrollment.created_at),
        "online_part": blended.online_part_json(enrollment, show_keycode),
        "payment": payment_json(enrollment),
    }


def payment_json(enrollment: Enrollment) -> dict:
    """What the enrollment owes and what became of it; a held seat's link leads to payment
    (Stripe's Checkout, or Lifeline's page that opens it when none could be made yet)."""
    payment = enrollment.payment
    if payment is None:
        return {"status": "not_required", "amount_cents": 0,
                "currency": current_app.config["CURRENCY"], "checkout_url": None,
                "hold_expires_at": None, "method": None, "reference": None}
    held = payment.status == "pending" and enrollment.status == "pending_payment"
    pay_page = f"{current_app.config['PUBLIC_BASE_URL']}/enrollments/{enrollment.id}/pay"
    return {"status": payment.status, "amount_cents": payment.amount_cents,
            "currency": payment.currency,
            "checkout_url": (payment.checkout_url or pay_page) if held else None,
            "hold_expires_at": moment(enrollment.hold_expires_at) if held else None,
            "method": payment.method, "reference": payment.reference}
