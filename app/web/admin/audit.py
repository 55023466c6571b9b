"""The audit log: every change, filterable by actor, action, subject and time."""

from flask import render_template, request

from app.access import roles_required
from app.center import center_zone
from app.extensions import db
from app.forms.admin import AuditFilterForm
from app.services import audit as audit_log
from app.web.admin import bp
from app.web.admin.common import other_arguments, page_number


@bp.get("/audit")
@roles_required("admin")
def audit_events():
    form = AuditFilterForm(request.args)
    form.validate()
    criteria = audit_log.AuditFilter(
        actor_email=form.actor.data or "", action=form.action.data or "",
        subject_type=form.subject_type.data or "",
        subject_id=None if form.subject_id.errors else form.subject_id.data,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data)
    page = page_number()
    events, more = audit_log.search_events(db.session, criteria, center_zone(), page)
    return render_template("admin/audit.html", form=form, events=events, page=page, more=more,
                           arguments=other_arguments())
