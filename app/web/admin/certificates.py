"""Certificate records: search, a certificate's full history, revoke, reissue, external card."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_today
from app.extensions import db
from app.forms.admin import CertificateSearchForm, ReissueForm, RevokeForm
from app.forms.instructor import ExternalCardForm
from app.models import Certificate
from app.models.base import utcnow
from app.models.vocab import revocation_label
from app.services.certificates import changes
from app.services.errors import Conflict, Invalid, NotFound
from app.services.records import search as records_search
from app.web.admin import bp
from app.web.admin.common import other_arguments, page_number, submitted
from app.web.confirmation import ask_to_confirm, confirmed
from app.web.refusals import flash_outcome
from app.web.sign_in import recent_password_required

CERTIFICATE_REFUSALS = (Conflict, Invalid)


@bp.get("/certificates")
@roles_required("admin")
def certificates():
    form = CertificateSearchForm(request.args)
    form.validate()
    criteria = records_search.RecordFilter(
        code=form.code.data or "", holder=form.holder.data or "", course_code=form.course.data or "",
        issued_from=None if form.issued_from.errors else form.issued_from.data,
        issued_to=None if form.issued_to.errors else form.issued_to.data,
        status=form.status.data or "")
    page = page_number()
    rows, more = records_search.search_certificates(db.session, criteria, center_today(), page)
    return render_template("admin/certificates.html", form=form, certificates=rows, today=center_today(),
                           page=page, more=more, arguments=other_arguments())


@bp.get("/certificates/<int:certificate_id>")
@roles_required("admin")
def certificate_page(certificate_id: int):
    today = center_today()
    record = records_search.certificate_record(db.session, certificate_id, today)
    return render_template("admin/certificate.html", record=record, revoke_form=RevokeForm(),
                           today=today,
                           reissue_form=ReissueForm(data={"holder_name": record.certificate.holder_name}),
                           card_form=ExternalCardForm(data={
                               "issuer": record.certificate.external_issuer or "",
                               "external_id": record.certificate.external_id or ""}))


def get_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound(_("No certificate has this id."))
    return certificate


def back_to(certificate_id: int):
    return redirect(url_for("admin.certificate_page", certificate_id=certificate_id))


@bp.post("/certificates/<int:certificate_id>/revoke")
@roles_required("admin")
@recent_password_required
def revoke(certificate_id: int):
    certificate = get_certificate(certificate_id)
    form = RevokeForm()
    if submitted(form) and not confirmed():
        return ask_to_confirm(
            _("Revoke certificate %(code)s?", code=certificate.code),
            [_("%(name)s's %(course)s certificate will no longer count: verification answers "
               "“revoked” (as %(category)s) and the holder is e-mailed.",
               name=certificate.holder_name, course=certificate.course_title,
               category=revocation_label(form.category.data)),
             _("The record is kept; a revocation cannot be withdrawn.")],
            _("Revoke the certificate"), url_for("admin.certificate_page", certificate_id=certificate_id))
    if submitted(form):
        flash_outcome(lambda: changes.revoke_certificate(db.session, current_user, certificate,
                                                         form.reason.data, utcnow(),
                                                         category=form.category.data),
                      _("%(code)s revoked; verification now says so, and the holder is e-mailed.",
                        code=certificate.code), CERTIFICATE_REFUSALS)
    return back_to(certificate_id)


@bp.post("/certificates/<int:certificate_id>/reissue")
@roles_required("admin")
@recent_password_required
def reissue(certificate_id: int):
    certificate = get_certificate(certificate_id)
    form = ReissueForm()
    if submitted(form) and not confirmed():
        return ask_to_confirm(
            _("Reissue certificate %(code)s?", code=certificate.code),
            [_("A new code is issued to “%(name)s” with the same course and dates.",
               name=form.holder_name.data),
             _("%(code)s then reads “Replaced by” the new code when verified, and no longer counts "
               "on its own.", code=certificate.code)],
            _("Reissue the certificate"), url_for("admin.certificate_page", certificate_id=certificate_id))
    replacement = submitted(form) and flash_outcome(
        lambda: changes.reissue_certificate(db.session, current_user, certificate,
                                            form.holder_name.data, utcnow()),
        lambda new: _("Reissued as %(new)s; %(old)s is revoked and linked to it.",
                      new=new.code, old=certificate.code),
        CERTIFICATE_REFUSALS)
    return back_to(replacement.id if replacement else certificate_id)


@bp.post("/certificates/<int:certificate_id>/external-card")
@roles_required("admin")
@recent_password_required
def external_card(certificate_id: int):
    certificate = get_certificate(certificate_id)
    form = ExternalCardForm()
    if submitted(form):
        changes.set_external_card(db.session, current_user, certificate, form.issuer.data,
                                  form.external_id.data)
        flash(_("The awarding body's card id is recorded."), "success")
    return back_to(certificate_id)
