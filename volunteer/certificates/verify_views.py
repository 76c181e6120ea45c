"""The public verification page: anyone with a serial number may check a certificate."""

from flask import redirect, render_template, request, url_for

from volunteer.access import PUBLIC, access
from volunteer.certificates.blueprint import verify_bp
from volunteer.certificates.forms import VerifyForm
from volunteer.extensions import limiter
from volunteer.services import certificates
from volunteer.services.network import honours


@verify_bp.route("/")
@access(PUBLIC)
def lookup():
    """Type a serial number to check a certificate."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("verify.show", serial="".join(form.serial.data.split()).upper()))
    return render_template("verify/lookup.html", form=form)


@verify_bp.route("/<serial>", endpoint="show")
@access(PUBLIC)
@limiter.limit("60 per minute")
def verify_certificate(serial: str):
    """Public check: valid or revoked, masked name, hours, period, issuer, date. Nothing else."""
    certificate = certificates.find_by_serial(serial)
    if certificate is None and (honour := honours.find_honour_by_serial(serial)) is not None:
        return render_template("verify/honour.html", certificate=honour, content=honour.content)
    if certificate is None:
        return render_template("verify/unknown.html", serial=serial, form=VerifyForm()), 404
    return render_template("verify/show.html", certificate=certificate, content=certificate.content)
