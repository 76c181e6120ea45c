"""Issuer settings (admins): the details printed on new certificates, and the seal image."""

import io

from flask import abort, redirect, render_template, request, send_file, url_for

from volunteer.access import ADMIN, access, acting_user, admin_of
from volunteer.actions import service_action
from volunteer.certificates.blueprint import bp
from volunteer.certificates.forms import IssuerSettingsForm
from volunteer.i18n import gettext as _
from volunteer.models import StoredFile
from volunteer.services import certificates


@bp.route("/settings", methods=["GET", "POST"])
@access(ADMIN)
def settings():
    """Issuer details printed on new certificates, and the seal image."""
    current = certificates.issuer_settings()
    form = IssuerSettingsForm(data=current if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = _("Certificate settings saved; they apply to certificates issued from now on.")
        with service_action(form, saved, default_field="organization") as outcome:
            _save_settings(form)
        if outcome.ok:
            return redirect(url_for("certificates.settings"))
    return render_template(
        "certificates/settings.html", form=form, seal=certificates.current_seal()
    )


def _save_settings(form: IssuerSettingsForm) -> None:
    """The issuer details, then a new seal or its removal."""
    certificates.save_issuer_settings(
        {field: getattr(form, field).data for field in certificates.ISSUER_FIELDS},
        acting_user(),
    )
    upload = form.seal.data
    if upload:
        certificates.save_seal(upload.filename or "seal", upload.read(), acting_user())
    elif form.remove_seal.data:
        certificates.remove_seal(acting_user())


@bp.route("/settings/seal/<int:file_id>")
@access(admin_of(StoredFile, "file_id", "stored"))
def seal_image(stored: StoredFile):
    """A seal image, for the settings page preview."""
    if stored.purpose != certificates.SEAL_PURPOSE:
        abort(404)
    return send_file(io.BytesIO(stored.data), mimetype=stored.content_type)
