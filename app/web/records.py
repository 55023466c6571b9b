"""Admin pages for records: legacy import (upload, preview, confirm), export, OSHA records,
and the reports page with charts and CSV downloads."""

from __future__ import annotations

import secrets
import time
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.forms.records import ExportForm, ImportConfirmForm, ImportUploadForm, OshaForm, ReportPeriodForm
from app.models.base import utcnow
from app.services.clock import local_date
from app.services.records import exporting, importing, osha, reports

bp = Blueprint("records", __name__, url_prefix="/admin/records")

MAX_ERRORS_SHOWN = 200
MAX_UPLOAD_BYTES = 64 * 2**20
UPLOAD_KEPT_SECONDS = 24 * 3600


def center_today() -> date:
    return local_date(utcnow(), current_app.config["CENTER_TIMEZONE"])


def upload_path(token: str) -> Path:
    """Where an uploaded file waits between preview and confirmation (the token is random)."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{token}.csv"


def forget_abandoned_uploads() -> None:
    """Uploads previewed but never confirmed are dropped after a day."""
    cutoff = time.time() - UPLOAD_KEPT_SECONDS
    for path in upload_path("0" * 32).parent.glob("*.csv"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def download(body, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/")
@roles_required("admin")
def index():
    return render_template("records/index.html", export_form=ExportForm(request.args),
                           osha_form=OshaForm(), sessions=osha.recent_sessions(db.session))


@bp.route("/import", methods=["GET", "POST"])
@roles_required("admin")
def import_upload():
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return render_template("records/import.html", form=form)
    content = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        form.file.errors.append("The file is not UTF-8 text; save it as CSV UTF-8.")
    if len(content) > MAX_UPLOAD_BYTES:
        form.file.errors.append(f"The file is over {MAX_UPLOAD_BYTES // 2**20} MB; use the "
                                "certificates import command for files this large.")
    if form.file.errors:
        return render_template("records/import.html", form=form)
    forget_abandoned_uploads()
    token = secrets.token_hex(16)
    upload_path(token).write_text(text, encoding="utf-8")
    return _preview(text, token, dry_run=True)


@bp.post("/import/confirm")
@roles_required("admin")
def import_confirm():
    form = ImportConfirmForm()
    path = upload_path(form.token.data) if form.validate_on_submit() else None
    if path is None or not path.exists():
        flash("That upload is no longer waiting; upload the file again.", "error")
        return redirect(url_for("records.import_upload"))
    return _preview(path.read_text(encoding="utf-8"), form.token.data, dry_run=False)


def _preview(text: str, token: str, *, dry_run: bool):
    """Check (and, when confirmed, import) the text; show the preview unless it was imported."""
    plan, summary = importing.import_text(
        db.session, text.splitlines(keepends=True), actor=current_user, now=utcnow(),
        today=center_today(), training_center=current_app.config["CENTER_NAME"],
        dry_run=dry_run, source="admin upload")
    if summary is not None and not summary.dry_run:
        upload_path(token).unlink(missing_ok=True)
        flash(f"Import done: {summary}.", "success")
        return redirect(url_for("records.index"))
    if plan.errors:
        upload_path(token).unlink(missing_ok=True)
    return render_template("records/preview.html", plan=plan, summary=summary,
                           columns=importing.COLUMNS, max_errors=MAX_ERRORS_SHOWN,
                           form=ImportConfirmForm(token=token))


@bp.get("/export.csv")
@roles_required("admin")
def export():
    form = ExportForm(request.args)
    if not form.validate():
        abort(400, description="expiring_within must be a whole number of days (0 or more).")
    pieces = exporting.export_csv(db.session, today=center_today(),
                                  expiring_within=form.expiring_within.data)
    return download(stream_with_context(pieces), "certificates.csv", "text/csv")


@bp.get("/osha")
@roles_required("admin")
def osha_record():
    form = OshaForm(request.args)
    if not form.validate():
        return render_template("records/osha.html", form=form,
                               sessions=osha.recent_sessions(db.session)), 422
    records = osha.training_records(
        db.session, current_app.config["CENTER_TIMEZONE"], session_id=form.session.data,
        date_from=form.date_from.data, date_to=form.date_to.data)
    if form.format.data == "csv":
        return download(osha.as_csv(records), "osha-bbp-training-record.csv", "text/csv")
    return download(osha.as_pdf(records, current_app.config["CENTER_NAME"]),
                    "osha-bbp-training-record.pdf", "application/pdf")


def _period() -> tuple[ReportPeriodForm, date, date]:
    """The months asked for, defaulting to the twelve months up to this one."""
    form, today = ReportPeriodForm(request.args), center_today()
    valid = form.validate()
    last = (form.last.data if valid and form.last.data else today).replace(day=1)
    first = form.first.data if valid and form.first.data else date(last.year - 1, last.month, 1)
    first = min(first, last)
    first = max(first, date(last.year - 10, last.month, 1))  # keep the CASE small
    return form, first.replace(day=1), last


@bp.get("/reports")
@roles_required("admin")
def reports_page():
    form, first, last = _period()
    found = reports.all_reports(db.session, current_app.config["CENTER_TIMEZONE"], first, last,
                                center_today())
    return render_template("records/reports.html", form=form, reports=found, first=first,
                           last=last, monthly=reports.monthly_totals(found[0]))


@bp.get("/reports/<name>.csv")
@roles_required("admin")
def report_csv(name: str):
    _form, first, last = _period()
    found = {report.name: report for report in reports.all_reports(
        db.session, current_app.config["CENTER_TIMEZONE"], first, last, center_today())}
    if name not in found:
        abort(404)
    return download(reports.as_csv(found[name]), f"{name}-{first:%Y-%m}-to-{last:%Y-%m}.csv",
                    "text/csv")
