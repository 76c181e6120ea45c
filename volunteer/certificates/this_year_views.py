"""One tap: this year's certificate of one's own hours, issued if needed and downloaded."""

from flask import flash, redirect, url_for

from volunteer.access import VOLUNTEER, access, acting_user
from volunteer.actions import service_action
from volunteer.certificates.blueprint import bp
from volunteer.services import certificates, periods


@bp.route("/this-year", methods=["POST"])
@access(VOLUNTEER)
def this_year():
    """Issue (or reuse the identical current) certificate for this year and download it."""
    with service_action(show_error=False) as outcome:
        certificate = certificates.issue_certificate(
            acting_user().volunteer, periods.this_year(), acting_user()
        )
    if not outcome.ok:
        flash(outcome.error.message, "danger")
        return redirect(url_for("certificates.mine"))
    return redirect(url_for("certificates.download", certificate_id=certificate.id))
