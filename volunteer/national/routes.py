"""Export of approved records for the national volunteer information system (organizers, admins)."""

import io

from flask import Blueprint, abort, render_template, send_file

from volunteer.access import Rule, access, acting_user
from volunteer.actions import service_action
from volunteer.documents.national_xlsx import national_export_xlsx
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Organization
from volunteer.national.forms import NationalExportForm
from volunteer.services import national_export, permissions
from volunteer.services.errors import PermissionDenied
from volunteer.services.periods import Period

bp = Blueprint("national", __name__, url_prefix="/national-export")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTERS = Rule("organizer or admin", allowed=permissions.is_organizer)


@bp.route("/", methods=["GET", "POST"])
@access(EXPORTERS)
def export():
    """Choose organization and period; download the .xlsx for the national system."""
    form = NationalExportForm()
    form.organization_id.actor = user = acting_user()
    form.organization_id.blank = (
        _l("All organizations") if permissions.is_admin(user) else _l("All my organizations")
    )
    if form.validate_on_submit():
        organization = form.organization_id.chosen
        # The commit keeps the audit entry, once the file is built.
        with service_action(form, default_field="organization_id") as outcome:
            period = form.to_period()
            data = _workbook(period, organization)
        if outcome.ok:
            return _download(data, period)
    return render_template("national/export.html", form=form)


def _download(data: bytes, period: Period):
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=_file_name(period),
    )


def _workbook(period: Period, organization: Organization | None) -> bytes:
    """Audit the export and build the workbook; 403 when the user may not export these."""
    try:
        organization_ids, _count = national_export.start_export(acting_user(), period, organization)
    except PermissionDenied:
        abort(403)
    rows = national_export.national_rows(organization_ids, period, acting_user())
    return national_export_xlsx(rows)


def _file_name(period: Period) -> str:
    start = period.start.isoformat() if period.start else "all"
    return f"全国志愿服务信息系统导入-{start}-{period.end.isoformat()}.xlsx"
