"""The public verification pages: /verify (type a code) and /verify/<code> (what the QR opens),
and /verify/credential (a portable credential pasted or uploaded)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from app.center import center_today, center_zone
from app.credential_issuer import credential_issuer, status_list_cache
from app.extensions import db
from app.forms.credentials import CredentialForm
from app.forms.employer import WatchForm
from app.forms.verify import CodeForm, RequirementForm
from app.models.base import utcnow
from app.security import public_lookup_limit
from app.services import credentials, verification
from app.services.clock import local_date
from app.services.errors import MistypedCode, NotFound
from app.services.language.text import N_
from app.web.language import localized

bp = Blueprint("verify", __name__)


@bp.after_request
def keep_out_of_caches_and_indexes(response):
    # A record's status can change at any time, and holders' names do not belong in search.
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Robots-Tag", "noindex")
    return response


def _no_code_given() -> bool:
    return not request.args.get("code", "").strip()


@bp.get("/verify")
@public_lookup_limit(exempt_when=_no_code_given)
def lookup():
    """The code form; with ?code= it answers on the same page."""
    form = CodeForm(request.args)
    if _no_code_given():
        return render_template("verify/lookup.html", form=form)
    if not form.validate():
        return render_template("verify/lookup.html", form=form), 422
    return _answer(form.code.data.strip(), channel="web")


@bp.get("/verify/<code>")
@public_lookup_limit()
def show(code: str):
    """A certificate's public record, as its QR code opens it."""
    # Arguments mean the visitor used the page's requirement form, not a fresh scan.
    return _answer(code, channel="web" if request.args else "qr")


def _answer(code: str, channel: str):
    today = center_today()
    check_form = RequirementForm(request.args)
    wants_check = check_form.chosen and check_form.validate()
    requirement = check_form.requirement(today) if wants_check else None
    caller = verification.caller_for(
        current_user.id if current_user.is_authenticated else None,
        request.remote_addr, current_app.config["SECRET_KEY"],
    )
    now = utcnow()
    try:
        answer = verification.verify_code(db.session, code, requirement, today=today,
                                          now=now, channel=channel, caller=caller)
    except (MistypedCode, NotFound) as error:
        form = CodeForm(data={"code": code})
        return render_template("verify/lookup.html", form=form, problem=error), error.status
    return render_template("verify/record.html", answer=answer, record=answer.record,
                           check_form=check_form, checked=requirement is not None, today=today,
                           checked_at=now, watch_form=_watch_form())


def _watch_form() -> WatchForm | None:
    """The add-to-watch-list form, for an employer whose account has a watch list."""
    if current_user.is_authenticated and current_user.has_role("employer") \
            and current_user.organisation_id is not None:
        return WatchForm()
    return None


@bp.post("/verify/credential")
@public_lookup_limit()
def check_credential():
    """A credential pasted or uploaded: its issuer, proof, revocation and dates checked."""
    form = CredentialForm()
    if not form.validate():
        return render_template("verify/credential.html", form=form, result=None), 422
    now = utcnow()
    result = credentials.verify_credential(db.session, form.document, credential_issuer(),
                                           status_list_cache(), now)
    return render_template("verify/credential.html", form=form, result=result,
                           credential=form.document, checked_at=now, check_text=check_text)


def check_text(check: credentials.Check) -> str:
    """A check's message in the page's language, its date-times as the center's long date (the
    API's checks quote them as the credential writes them)."""
    if not check.moments:
        return localized(check.message)
    days = {name: local_date(moment, center_zone()) for name, moment in check.moments.items()}
    return localized(N_(check.message.msgid, **{**check.message.values, **days}))
