"""Correction requests (申请更正) on the records blueprint: the volunteer asks, the organizer
checks and amends (an adjustment, re-credited through the ledger) or refuses with a reason."""

from typing import Any

from flask import redirect, url_for

from volunteer.access import Rule, access, acting_user, organizer_of
from volunteer.actions import service_action
from volunteer.i18n import gettext as _
from volunteer.models import CorrectionRequest, CorrectionStatus, ServiceRecord, utcnow
from volunteer.records.forms import CorrectionForm, DecisionForm
from volunteer.records.routes import _flash_errors, _times, _times_form, bp
from volunteer.services import corrections

OWNER_OF_RECORD = Rule(
    "the record's volunteer",
    model=ServiceRecord,
    id_arg="record_id",
    as_arg="record",
    scope_check=lambda user, record: record.volunteer.user_id == user.id,
)
ORGANIZER_OF_REQUEST = organizer_of(
    CorrectionRequest,
    "request_id",
    "correction",
    organization_of=lambda r: r.record.activity.organization_id,
)


def correction_context(record: ServiceRecord) -> dict[str, Any]:
    """What the record page shows of corrections: past requests, and the form to ask."""
    requests = corrections.corrections_of(record)
    may_ask = (
        record.volunteer.user_id == acting_user().id
        and record.status in corrections.CORRECTABLE
        and all(r.status != CorrectionStatus.PENDING for r in requests)
    )
    times = _times_form(record)
    form = CorrectionForm(
        prefix="ask", check_in=times.check_in.data, check_out=times.check_out.data
    )
    return {
        "corrections": requests,
        "correction_form": form if may_ask else None,
        "correction_decision": DecisionForm(prefix="correction"),
    }


@bp.route("/<int:record_id>/correction", methods=["POST"])
@access(OWNER_OF_RECORD)
def request_correction(record: ServiceRecord):
    """The volunteer asks for the record's times to be corrected."""
    form = CorrectionForm(prefix="ask")
    if not form.validate_on_submit():
        _flash_errors(form)
    else:
        with service_action(success=_("Your request has been sent to the organizer.")):
            corrections.request_correction(
                record, acting_user().volunteer, *_times(form), form.reason.data, utcnow()
            )
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/corrections/<int:request_id>/decide", methods=["POST"])
@access(ORGANIZER_OF_REQUEST)
def decide_correction(correction: CorrectionRequest):
    """Apply a correction request (an adjustment) or refuse it with a reason."""
    form = DecisionForm(prefix="correction")
    form.validate_on_submit()
    if form.reject.data:
        with service_action(success=_("The correction request has been refused.")):
            corrections.reject_correction(
                correction, acting_user(), form.reason.data or "", utcnow()
            )
    else:
        with service_action(success=_("The record has been corrected.")):
            corrections.approve_correction(correction, acting_user(), form.reason.data, utcnow())
    return redirect(url_for("records.show", record_id=correction.record_id))
