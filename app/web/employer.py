"""Pages for the employer audience: bulk checks and the organisation's watch list."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_today
from app.extensions import db
from app.forms.employer import BulkCheckForm, RemoveForm, SaveManyForm, WatchForm
from app.models.base import utcnow
from app.security import bulk_limit
from app.services import orders, verification
from app.services.catalog import requirements
from app.services.errors import Invalid, NotFound
from app.services.verification import bulk_checks, watchlist
from app.web.language import localized

bp = Blueprint("employer", __name__)


@bp.after_request
def keep_out_of_shared_caches(response):
    # Staff names and their certificates: never stored by a proxy or a shared browser cache.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def _within_days() -> int | None:
    value = request.args.get("within", "")
    return int(value) if value in {str(days) for days in watchlist.EXPIRY_WINDOWS} else None


def _current_account_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _csv_download(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


@bp.get("/employer")
@roles_required("employer")
def dashboard():
    """The watch list, soonest expiry first, with the 30/60/90-day filters."""
    within, today = _within_days(), center_today()
    lines = None
    if current_user.organisation_id is not None:
        lines = watchlist.watch_list(db.session, current_user, today, within)
    return render_template("employer/dashboard.html", lines=lines, within=within, today=today,
                           windows=watchlist.EXPIRY_WINDOWS, watch_form=WatchForm(),
                           organisation=current_user.organisation,
                           seat_orders=orders.orders_of(db.session, current_user),
                           class_requests=orders.requests_of(db.session, current_user))


@bp.get("/employer/watch-list.csv")
@roles_required("employer")
def watch_list_csv():
    """The watch list (as filtered) as a CSV download."""
    lines = watchlist.watch_list(db.session, current_user, center_today(), _within_days())
    return _csv_download(bulk_checks.watch_list_csv(lines), "watch-list.csv")


@bp.post("/employer/watch-list")
@roles_required("employer")
@bulk_limit(_current_account_id)  # saving looks codes up: the same budget as bulk checks
def save_to_watch_list():
    """Save one code (the dashboard's form) or the rows ticked on a bulk check's results."""
    form = SaveManyForm() if "batch" in request.form else WatchForm()
    if not form.validate():
        flash(" ".join(str(p) for problems in form.errors.values() for p in problems), "error")
        return redirect(url_for("employer.dashboard"))
    picked = form.picked() if isinstance(form, SaveManyForm) else [
        (form.code.data, form.employee_name.data)]
    if not picked:
        flash(_("Tick the certificates to save first."), "error")
        return redirect(url_for("employer.dashboard"))
    results = watchlist.save(db.session, current_user, picked, today=center_today(), now=utcnow())
    for result in results:
        flash(_("%(code)s: %(message)s", code=result.code, message=localized(result.message)),
              "success" if result.outcome == "saved" else "error")
    return redirect(url_for("employer.dashboard"))


@bp.get("/employer/watch-list/<int:entry_id>/remove")
@roles_required("employer")
def confirm_removal(entry_id: int):
    """The step before removing: whose card leaves the list, and what is lost."""
    lines = watchlist.watch_list(db.session, current_user, center_today(), None) \
        if current_user.organisation_id is not None else []
    line = next((line for line in lines if line.entry_id == entry_id), None)
    if line is None:
        raise NotFound(_("No such watch-list entry."))
    return render_template(
        "confirm.html", title=_("Remove %(name)s from your watch list?", name=line.employee_name),
        consequences=[_("%(name)s's %(course)s card (%(code)s) leaves the list: you no longer see "
                        "when it expires, and saving it again needs its code.",
                        name=line.employee_name, course=line.current.course_title,
                        code=line.certificate.code)],
        action=url_for("employer.remove_from_watch_list", entry_id=entry_id),
        confirm_label=_("Remove from the watch list"), back=url_for("employer.dashboard"),
        back_label=_("Keep watching"))


@bp.post("/employer/watch-list/<int:entry_id>/remove")
@roles_required("employer")
def remove_from_watch_list(entry_id: int):
    if RemoveForm().validate():
        watchlist.remove(db.session, current_user, entry_id)
        flash(_("Removed from your watch list."), "success")
    return redirect(url_for("employer.dashboard"))


@bp.get("/employer/checks")
@roles_required("employer")
def checks():
    """The bulk check form: upload a CSV or paste a list."""
    return render_template("employer/checks.html", form=BulkCheckForm(),
                           max_codes=bulk_checks.MAX_CODES)


def _checks_refused(form: BulkCheckForm, problem: str):
    return render_template("employer/checks.html", form=form, problem=problem,
                           max_codes=bulk_checks.MAX_CODES), 422


@bp.post("/employer/checks")
@roles_required("employer")
@bulk_limit(_current_account_id)
def run_checks():
    """Verify the uploaded or pasted codes; answer as a table, or as CSV when asked."""
    form = BulkCheckForm()
    if not form.validate():
        return _checks_refused(form, _("Please correct the form."))
    try:
        rows = bulk_checks.parse_codes(form.codes_source())
    except Invalid as error:
        return _checks_refused(form, localized(error.message))
    except (UnicodeDecodeError, ValueError):
        return _checks_refused(form, _("Upload a CSV file saved as UTF-8 text."))
    today = center_today()
    preset = requirements.PRESETS.get(form.requirement.data)
    answers = verification.verify_codes(
        db.session, [row.code for row in rows],
        requirements.parse_requirement(preset.name, today) if preset else None, today=today,
        now=utcnow(), channel="bulk", caller=verification.Caller(account_id=current_user.id))
    checked = bulk_checks.checked_rows(rows, answers)
    if request.form.get("download"):
        return _csv_download(bulk_checks.results_csv(checked), "verification-results.csv")
    return render_template("employer/results.html", checked=checked, form=form, preset=preset,
                           source=bulk_checks.codes_csv(rows), today=today, checked_at=utcnow())
