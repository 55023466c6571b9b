"""Links inside e-mails: the signed one-click unsubscribe from renewal reminders.

GET shows a confirmation page (mail scanners follow links, so a GET never changes anything);
POST turns reminders off. Mail clients send the RFC 8058 one-click POST
(`List-Unsubscribe=One-Click`) with no session and no CSRF token: the signed token in the URL
is the proof, so that view is exempt from CSRF.
"""

from flask import Blueprint, abort, current_app, render_template

from app.extensions import csrf, db
from app.services import reminders
from app.services.notifications import mail

bp = Blueprint("mail_links", __name__, url_prefix="/mail")


def _user_id(token: str) -> int:
    user_id = mail.read_unsubscribe_token(token, current_app.config["SECRET_KEY"])
    if user_id is None:
        abort(404)
    return user_id


@bp.get("/unsubscribe/<token>")
def confirm_unsubscribe(token: str):
    """Ask before turning reminders off."""
    _user_id(token)
    return render_template("mail_links/unsubscribe.html", token=token, done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """Turn renewal reminders off (the form's button and the mail client's one-click POST)."""
    if reminders.opt_out(db.session, _user_id(token)) is None:
        abort(404)
    return render_template("mail_links/unsubscribe.html", token=token, done=True)
