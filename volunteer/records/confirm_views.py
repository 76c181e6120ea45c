"""Confirming a manual entry: the volunteer's "确认" on their records page, or an admin's
approval on their behalf. Until then the entry credits hours but opens none of the
person's data to the organizer who typed it (services.participation)."""

from flask import flash, redirect, url_for

from volunteer.access import Rule, access, acting_user
from volunteer.actions import service_action
from volunteer.i18n import gettext as _
from volunteer.models import ServiceRecord, utcnow
from volunteer.records.forms import ConfirmRecordForm
from volunteer.records.routes import bp
from volunteer.services import participation, permissions

OWNER_OR_ADMIN_OF_RECORD = Rule(
    "the record's volunteer or an admin",
    model=ServiceRecord,
    id_arg="record_id",
    as_arg="record",
    scope_check=lambda user, record: (
        record.volunteer.user_id == user.id or permissions.is_admin(user)
    ),
)


@bp.route("/<int:record_id>/confirm", methods=["POST"])
@access(OWNER_OR_ADMIN_OF_RECORD)
def confirm(record: ServiceRecord):
    """Confirm a manual entry (the volunteer), or approve it with a reason (an admin)."""
    form = ConfirmRecordForm()
    if form.validate_on_submit():
        with service_action(success=_("The record is confirmed.")):
            participation.confirm_manual_record(record, acting_user(), utcnow(), form.reason.data)
    else:
        flash(_("The record could not be confirmed; please try again."), "danger")
    if record.volunteer.user_id == acting_user().id:
        return redirect(url_for("records.mine"))
    return redirect(url_for("records.show", record_id=record.id))
