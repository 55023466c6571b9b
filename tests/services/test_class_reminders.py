"""Class operations (API-2.md §4): the learner's reminder before a class, the instructor's roster
the day before, the low-enrollment alert to staff — each once, through the outbox."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ClassReminder, Notification
from app.services import reminders
from app.services.notifications import delivery, mail
from app.services.schedule import changes
from tests import factories
from tests.support.concurrency import run_together

ZONE = "America/New_York"
# Noon in New York on a Tuesday: "tomorrow" there is Wednesday, December 2nd.
NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
SETTINGS = reminders.ClassSweepSettings(reminder_hours=24, low_enrollment_days=3,
                                        low_enrollment_seats=2)


def queued(kind: str) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))


def sweep(now=NOW, settings=SETTINGS):
    return reminders.sweep_classes(db.session, now, settings, ZONE)


def a_class(starts_in: timedelta, learners: int = 2, **fields):
    course = factories.CourseFactory(what_to_bring="Comfortable clothes and a photo ID",
                                     title="BLS Provider")
    return factories.class_with_seats(NOW + starts_in, learners, course=course,
                                      location="Sim Lab 2, 100 Main St", **fields)


def test_each_enrolled_learner_gets_one_reminder_within_the_hours(app):
    class_session, seats = a_class(timedelta(hours=20), arrival_notes="Park in lot B")
    factories.EnrollmentFactory(session=class_session, status="waitlisted")
    a_class(timedelta(hours=30))  # outside CLASS_REMINDER_HOURS: nothing yet
    counts = sweep()
    again = sweep(NOW + timedelta(minutes=15))
    reminders_sent = queued("class_reminder")
    assert counts["class_reminder"] == 2 and again["class_reminder"] == 0
    assert sorted(n.recipient_id for n in reminders_sent) == sorted(s.learner_id for s in seats)
    context = reminders_sent[0].context
    assert context["what_to_bring"] == "Comfortable clothes and a photo ID"
    assert context["arrival_notes"] == "Park in lot B"
    assert context["map_url"] == ("https://www.openstreetmap.org/search?query="
                                  "Sim+Lab+2%2C+100+Main+St")


def test_the_reminder_mail_says_when_where_what_to_bring_who_and_how_to_cancel(app):
    class_session, _ = a_class(timedelta(hours=20), learners=1, arrival_notes="Room 4B")
    sweep()
    [notification] = queued("class_reminder")
    message = mail.compose(db.session, notification, app.config, app.jinja_env)
    text = message.get_body(("plain",)).get_content()
    assert "Wednesday, December 2, 2026, 8:00 AM EST" in text
    assert "Where: Sim Lab 2, 100 Main St" in text and "openstreetmap.org" in text
    assert "What to bring: Comfortable clothes and a photo ID" in text
    assert "Getting there: Room 4B" in text
    assert f"Instructor: {class_session.instructor.full_name}" in text
    assert "http://lifeline.test/me" in text


def test_the_instructor_gets_the_roster_the_day_before(app):
    tomorrow, seats = a_class(timedelta(hours=30))  # Wednesday evening, center time
    later, _ = a_class(timedelta(days=2))  # Thursday: not yet
    sweep()
    [roster] = queued("instructor_roster")
    assert roster.recipient_id == tomorrow.instructor_id
    assert [learner["name"] for learner in roster.context["learners"]] == [
        seat.learner.full_name for seat in seats]
    sweep(NOW + timedelta(hours=1))
    assert len(queued("instructor_roster")) == 1
    assert later.id not in {n.context["session_id"] for n in queued("instructor_roster")}


def test_staff_are_alerted_of_a_class_with_few_learners(app):
    admins = [factories.admin(), factories.admin()]
    thin, _ = a_class(timedelta(days=2), learners=1)
    a_class(timedelta(days=2), learners=2)  # LOW_ENROLLMENT_SEATS reached: no alert
    a_class(timedelta(days=5), learners=0)  # beyond LOW_ENROLLMENT_DAYS: not yet
    sweep()
    sweep(NOW + timedelta(hours=2))
    alerts = queued("low_enrollment")
    assert sorted(n.recipient_id for n in alerts) == sorted(a.id for a in admins)
    assert {n.context["session_id"] for n in alerts} == {thin.id}
    assert alerts[0].context["enrolled"] == 1


def test_a_reminder_for_a_class_cancelled_since_is_not_sent(app):
    class_session, _ = a_class(timedelta(hours=20), learners=1)
    sweep()
    changes.cancel_session(db.session, factories.admin(), class_session, "Flooded", NOW)
    [notification] = queued("class_reminder")
    held = delivery.claim(db.session, datetime.now(UTC), delivery.DeliveryPolicy(),
                          notification_id=notification.id)
    outcome = delivery.send_claimed(db.session, held[0], None, app.config, app.jinja_env,
                                    delivery.DeliveryPolicy())
    assert outcome == "skipped"


def test_the_cli_runs_one_sweep_and_prints_what_it_queued(app):
    a_class(timedelta(hours=20), learners=3)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "classes", "--now", NOW.isoformat()])
    again = runner.invoke(args=["reminders", "classes", "--now", NOW.isoformat()])
    bad = runner.invoke(args=["reminders", "classes", "--now", "tomorrow"])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "queued 4"  # 3 + roster
    assert again.output.splitlines()[0] == "queued 0"
    assert bad.exit_code == 1 and bad.output.strip().startswith("Error: --now 'tomorrow'")


def test_two_sweeps_at_once_write_each_mail_once(any_db_app):
    for hours in (2, 5, 20):
        a_class(timedelta(hours=hours), learners=4)
    start, errors, engine = threading.Barrier(2), [], db.engine

    def run_sweep():
        with Session(engine) as session:
            start.wait()
            try:
                reminders.sweep_classes(session, NOW, SETTINGS, ZONE)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    run_together(run_sweep, 2)
    assert errors == []
    assert len(queued("class_reminder")) == 12
    assert db.session.scalar(select(func.count()).select_from(ClassReminder)
                             .where(ClassReminder.kind == "class_reminder")) == 12
