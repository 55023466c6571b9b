"""The outbox: every outgoing e-mail with its status and last error; retry for failures."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.forms.admin import ConfirmForm, OutboxFilterForm
from app.models import Notification
from app.models.base import utcnow
from app.services import notifications
from app.services.errors import Conflict, NotFound
from app.services.notifications import mail
from app.services.notifications.kinds import MAIL_KINDS, MailKind
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


@bp.get("/outbox/<int:notification_id>")
@roles_required("admin")
def outbox_message(notification_id: int):
    """One outgoing message as its recipient reads it (a one-time link's text stays hidden)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(_("No outgoing message has this id."))
    secret = bool(MAIL_KINDS.get(notification.kind, MailKind()).secret_context)
    subject = text = None
    if not secret:
        context = mail.template_context(db.session, notification, current_app.config)
        subject, text, _html = mail.render(current_app.jinja_env, notification.kind, context)
    return render_template("admin/outbox_message.html", n=notification, subject=subject,
                           text=text, retry_form=ConfirmForm())


@bp.post("/outbox/<int:notification_id>/retry")
@roles_required("admin")
def retry_notification(notification_id: int):
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    else:
        try:
            notifications.retry(db.session, current_user, notification_id, utcnow())
            flash(_("Queued again: the worker sends it shortly."), "success")
        except Conflict as refusal:
            flash_refusal(refusal)
    return redirect(url_for("admin.outbox", status="failed"))
