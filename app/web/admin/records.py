"""Admin pages for records, under /admin/records: legacy import (upload, preview, confirm),
export, OSHA records, and the reports page with charts and CSV downloads.

Part of the admin package, but a blueprint of its own, "records", so that its addresses and
endpoint names (records.*) stay what bookmarks and the access matrix know. An upload waits
for its confirmation in the database, so any web node can confirm another node's preview."""

from __future__ import annotations

from datetime import date

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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import roles_required
from app.center import center_name, center_today, center_zone
from app.extensions import db
from app.forms.records import ExportForm, ImportConfirmForm, ImportUploadForm, OshaForm, ReportPeriodForm
from app.models.base import utcnow
from app.request_size import larger_body
from app.services import orders, payments
from app.services.errors import NotFound
from app.services.records import exporting, importing, osha, reports
from app.services.schedule import authorisations

bp = Blueprint("records", __name__, url_prefix="/admin/records")

MAX_ERRORS_SHOWN = 200
COMMAND_HINT = _l("Use the certificates import command for files this large.")


def download(body, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/")
@roles_required("admin")
def index():
    return render_template("records/index.html", export_form=ExportForm(request.args),
                           osha_form=OshaForm(), sessions=osha.recent_sessions(db.session))


def uploaded_text(form: ImportUploadForm) -> str | None:
    """The uploaded file as text, or None with the reason added to the form's errors."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    content = form.file.data.read(limit + 1)
    if len(content) > limit:
        size = f"{limit / 2**20:g}"
        form.file.errors.append(_("The file is over %(size)s MiB. %(hint)s", size=size,
                                  hint=COMMAND_HINT))
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        form.file.errors.append(_("The file is not UTF-8 text; save it as CSV UTF-8."))
        return None


@bp.route("/import", methods=["GET", "POST"])
@larger_body("IMPORT_MAX_BYTES", hint=COMMAND_HINT)
@roles_required("admin")
def import_upload():
    form = ImportUploadForm()
    text = uploaded_text(form) if form.validate_on_submit() else None
    if text is None:
        return render_template("records/import.html", form=form)
    plan, summary, token = importing.preview_upload(
        db.session, text, filename=form.file.data.filename or "", uploaded_by=current_user,
        now=utcnow(), today=center_today())
    return preview_page(plan, summary, token)


@bp.post("/import/confirm")
@roles_required("admin")
def import_confirm():
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return upload_gone()
    try:
        plan, summary = importing.confirm_upload(
            db.session, form.token.data, actor=current_user, now=utcnow(),
            today=center_today(), training_center=center_name())
    except NotFound:
        return upload_gone()
    if summary is None:  # the records changed since the preview: show the errors now found
        return preview_page(plan, None, None)
    flash(_("Import done: %(summary)s.", summary=summary), "success")
    return redirect(url_for("records.index"))


def upload_gone():
    flash(_("That upload is no longer waiting; upload the file again."), "error")
    return redirect(url_for("records.import_upload"))


def preview_page(plan: importing.ImportPlan, summary: importing.ImportSummary | None,
                 token: str | None) -> str:
    """The preview of a checked file: its errors, or what importing it would do."""
    return render_template("records/preview.html", plan=plan, summary=summary,
                           columns=importing.COLUMNS, max_errors=MAX_ERRORS_SHOWN,
                           form=ImportConfirmForm(token=token))


@bp.get("/export.csv")
@roles_required("admin")
def export():
    form = ExportForm(request.args)
    if not form.validate():
        # The records page again, the message under the field (not a bare error page).
        form.expiring_within.errors[:] = [_("Give a whole number of days, 0 or more (up to 3660).")]
        return render_template("records/index.html", export_form=form, osha_form=OshaForm(),
                               sessions=osha.recent_sessions(db.session)), 400
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
        db.session, center_zone(), session_id=form.session.data,
        date_from=form.date_from.data, date_to=form.date_to.data)
    if form.format.data == "csv":
        return download(osha.as_csv(records), "osha-bbp-training-record.csv", "text/csv")
    return download(osha.as_pdf(records, center_name()),
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
    found = reports.all_reports(db.session, center_zone(), first, last,
                                center_today())
    return render_template("records/reports.html", form=form, reports=found, first=first,
                           last=last, monthly=reports.monthly_totals(found[0]),
                           family_names=authorisations.family_names(db.session),
                           revenue=payments.revenue_by_course_month(db.session, center_zone(),
                                                                    first, last),
                           org_revenue=orders.revenue_by_organisation(db.session, center_zone(),
                                                                      first, last))


@bp.get("/reports/<name>.csv")
@roles_required("admin")
def report_csv(name: str):
    _form, first, last = _period()
    found = {report.name: report for report in reports.all_reports(
        db.session, center_zone(), first, last, center_today())}
    if name not in found:
        abort(404)
    return download(reports.as_csv(found[name]), f"{name}-{first:%Y-%m}-to-{last:%Y-%m}.csv",
                    "text/csv")
