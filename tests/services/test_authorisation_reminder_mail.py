"""The authorisation reminder mail names the course family in people's words and its lapse
date as the center's long date: never the family's code or an ISO date."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import Notification
from app.services.notifications import mail
from app.services.schedule import authorisations
from tests import factories

FAMILY = "pediatric_first_aid_cpr"


def reminder_of(db, app, today: date, lapses_on: date) -> tuple[str, str, str]:
    instructor = factories.instructor()
    authorisations.set_authorisation(db.session, factories.admin(), instructor, FAMILY, lapses_on)
    assert authorisations.queue_lapse_reminders(db.session, today) == 1
    notification = db.session.scalar(select(Notification).where(
        Notification.kind == "authorisation_reminder"))
    context = mail.template_context(db.session, notification, app.config)
    return mail.render(app.jinja_env, "authorisation_reminder", context)


def test_the_reminder_says_the_familys_course_title_and_the_long_date(db, app):
    factories.CourseFactory(family=FAMILY, title="Pediatric First Aid CPR AED (Renewal)",
                            renewal=True)
    factories.CourseFactory(family=FAMILY, title="Heartsaver Pediatric First Aid CPR AED")
    today = date(2026, 10, 8)
    lapses_on = today + timedelta(days=60)
    for part in reminder_of(db, app, today, lapses_on):
        assert "Heartsaver Pediatric First Aid CPR AED" in part
        assert "Monday, December 7, 2026" in part
        assert FAMILY not in part and lapses_on.isoformat() not in part
        assert not re.search(r"\d{4}-\d{2}-\d{2}", part)


def test_a_family_without_a_course_is_named_without_underscores(db, app):
    today = date(2026, 10, 8)
    subject, text, html = reminder_of(db, app, today, today + timedelta(days=10))
    for part in (subject, text, html):
        assert "pediatric first aid cpr" in part and FAMILY not in part


@pytest.mark.parametrize(("days", "words"), [(1, "(1 day from now)"), (2, "(2 days from now)")])
def test_the_days_left_read_in_the_singular_for_one_day(db, app, days, words):
    today = date(2026, 10, 8)
    _subject, text, html = reminder_of(db, app, today, today + timedelta(days=days))
    for part in (text, html):
        assert words in part and ("1 days" not in part)
