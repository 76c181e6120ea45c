"""Export of approved records for the national volunteer information system (organizers, admins)."""

import io

from flask import Blueprint, abort, render_template, send_file
from wtforms import SelectChoice

from volunteer.access import Rule, access, acting_user
from volunteer.documents.national_xlsx import national_export_xlsx
from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Organization
from volunteer.national.forms import NationalExportForm
from volunteer.services import national_export, permissions
from volunteer.services.errors import PermissionDenied, ServiceError

bp = Blueprint("national", __name__, url_prefix="/national-export")

ALL = "all"
EXPORTERS = Rule(
    "organizer or admin",
    allowed=lambda user: (
        permissions.is_admin(user) or bool(permissions.organizer_organization_ids(user))
    ),
)


@bp.route("/", methods=["GET", "POST"])
@access(EXPORTERS)
def export():
    """Choose organization and period; download the .xlsx for the national system."""
    form = NationalExportForm()
    organizations = national_export.exportable_organizations(acting_user())
    all_label = (
        _l("All organizations")
        if permissions.is_admin(acting_user())
        else _l("All my organizations")
    )
    form.organization_id.choices = [SelectChoice(ALL, str(all_label))] + [
        SelectChoice(str(o.id), o.name) for o in organizations
    ]
    if form.validate_on_submit():
        organization = None
        if form.organization_id.data != ALL:
            organization = db.session.get(Organization, int(form.organization_id.data))
            if organization is None:
                abort(404)
        try:
            period = form.to_period()
            organization_ids, _count = national_export.start_export(
                acting_user(), period, organization
            )
        except PermissionDenied:
            db.session.rollback()
            abort(403)
        except ServiceError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None) or form.organization_id
            field.errors = [*field.errors, error.message]
        else:
            data = national_export_xlsx(national_export.national_rows(organization_ids, period))
            db.session.commit()  # the audit entry, once the file is built
            end = period.end.isoformat()
            start = period.start.isoformat() if period.start else "all"
            return send_file(
                io.BytesIO(data),
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                as_attachment=True,
                download_name=f"全国志愿服务信息系统导入-{start}-{end}.xlsx",
            )
    return render_template("national/export.html", form=form)
