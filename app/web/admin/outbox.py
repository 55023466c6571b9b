"""The outbox: every outgoing e-mail with its status and last error; retry for failures."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.forms.admin import ConfirmForm, OutboxFilterForm
from app.models.base import utcnow
from app.services import notifications
from app.services.errors import Conflict
from app.web.admin import bp
from app.web.admin.common import other_arguments, page_number
from app.web.refusals import flash_refusal


@bp.get("/outbox")
@roles_required("admin")
def outbox():
    form = OutboxFilterForm(request.args)
    page = page_number()
    rows, more = notifications.list_notifications(
        db.session, status=form.status.data or None, kind=form.kind.data or None,
        recipient=form.recipient.data or "", page=page)
    return render_template("admin/outbox.html", form=form, rows=rows, page=page, more=more,
                           arguments=other_arguments(), counts=notifications.status_counts(db.session),
                           retry_form=ConfirmForm())


@bp.post("/outbox/<int:notification_id>/retry")
@roles_required("admin")
def retry_notification(notification_id: int):
    if not ConfirmForm().validate_on_submit():
        flash("The form expired; please try again.", "error")
    else:
        try:
            notifications.retry(db.session, current_user, notification_id, utcnow())
            flash("Queued again: the worker sends it shortly.", "success")
        except Conflict as refusal:
            flash_refusal(refusal)
    return redirect(url_for("admin.outbox", status="failed"))
