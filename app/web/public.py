"""Public pages: the catalog, the "which class do I need?" finder and one session's page."""

from dataclasses import replace

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user

from app.center import center_zone
from app.extensions import db
from app.forms.learner import ButtonForm, FinderForm
from app.models.base import utcnow
from app.services import catalog, schedule
from app.services import enrollment as enrollment_service
from app.services.catalog import finder
from app.services.enrollment import calendar_invites
from app.services.language.text import Text
from app.web.language import localized

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """The finder, the upcoming classes it selects, and the catalog."""
    form = FinderForm(request.args)
    form.validate()  # a bad value is shown beside its field and otherwise ignored
    _localize_choices(form)
    now, zone = utcnow(), center_zone()
    holder_id = current_user.id if current_user.is_authenticated else None
    held = finder.held_families(db.session, holder_id, now, zone)
    answer = finder.find_classes(db.session, now, query=_finder_query(form, held), per_page=50,
                                 zone_name=zone)
    answer = replace(answer, title=_said(answer.title), why=_said(answer.why))
    return render_template("public/index.html", form=form, answer=answer,
                           courses=catalog.list_courses(db.session), upcoming=answer.sessions,
                           waitlist_lengths=answer.waitlist_lengths)


def _said(message: str | None) -> str | None:
    """A finder's title or reason in the page's language, with the rule's words inside it."""
    if isinstance(message, Text):
        message = Text(message.msgid, {name: localized(value) if isinstance(value, Text) else value
                                       for name, value in message.values.items()})
    return localized(message)


def _localize_choices(form: FinderForm) -> None:
    """The finder's choices name audiences, cards, levels and topics in the page's language."""
    for field in (form.who, form.preset, form.level, form.topic):
        field.choices = [(choice.value, localized(str(choice.label)))
                         for choice in field.choices]


def _finder_query(form: FinderForm, held: frozenset[str]) -> finder.FinderQuery:
    def chosen(name: str):
        field = form[name]
        return None if field.errors or not field.data else field.data

    return finder.FinderQuery(
        audience=chosen("who"), preset=chosen("preset"), level=chosen("level"), held_families=held,
        topics=(chosen("topic"),) if chosen("topic") else (),
        sessions=schedule.SessionFilter(
            level=chosen("level"), topic=chosen("topic"), guideline=chosen("guideline"),
            date_from=chosen("date_from"), date_to=chosen("date_to")),
    )


@bp.get("/sessions/<int:class_id>")
def session_page(class_id: int):
    """A class: when, where, who teaches, seats left, and the Enroll button or why not."""
    enrollment_service.require_id(class_id, "No class session has this id.")
    class_session = schedule.get_session(db.session, class_id)
    mine = position = None
    if current_user.is_authenticated:
        mine = enrollment_service.active_enrollment(db.session, current_user.id, class_id)
        position = mine and enrollment_service.waitlist_position(db.session, mine)
    waiting = schedule.waitlist_lengths(db.session, [class_id]).get(class_id, 0)
    return render_template(
        "public/session.html", class_session=class_session, mine=mine, position=position,
        waitlist_length=waiting, button=ButtonForm(),
        closed=enrollment_service.closed_reason(class_session, utcnow()))


@bp.get("/sessions/<int:class_id>/calendar.ics")
def session_calendar(class_id: int):
    """The class as a calendar event (the session page's "Add to calendar")."""
    enrollment_service.require_id(class_id, "No class session has this id.")
    class_session = schedule.get_session(db.session, class_id)
    return Response(calendar_invites.session_event(class_session, current_app.config),
                    mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="class.ics"'})
