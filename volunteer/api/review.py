"""The organizer's review queue: missing check-outs and pending claims, approve and reject."""

from marshmallow import Schema, fields, validate

from volunteer.access import ANY_ORGANIZER, acting_user, organizer_of
from volunteer.actions import commit_if
from volunteer.api.base import PageArgs, api_access, bp, committed, page_of_query, paged
from volunteer.api.schemas import RecordSchema, record_dict
from volunteer.models import ServiceRecord, utcnow
from volunteer.services import permissions, records

ORGANIZER_OF_RECORD = organizer_of(
    ServiceRecord, "record_id", "record", organization_of=lambda r: r.activity.organization_id
)

ReviewPageSchema = paged(RecordSchema, "ReviewPageSchema")


class ApproveSchema(Schema):
    note = fields.String(validate=validate.Length(max=500))


class RejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


@bp.route("/review", methods=["GET"])
@api_access(ANY_ORGANIZER)
@bp.arguments(PageArgs, location="query")
@bp.response(200, ReviewPageSchema)
def review_queue(args: dict):
    """Records waiting for me: missing check-outs and pending claims of my activities."""
    scope = permissions.managed_organization_ids(acting_user())
    commit_if(records.close_stale(utcnow()))
    return page_of_query(records.review_query(scope), args, record_dict)


@bp.route("/records/<int:record_id>/approve", methods=["POST"])
@api_access(ORGANIZER_OF_RECORD)
@bp.arguments(ApproveSchema)
@bp.response(200, RecordSchema)
def approve_record(body: dict, record: ServiceRecord):
    """Approve a pending claim: its stretch is credited by the usual rules."""
    with committed():
        records.approve_claim(record, acting_user(), body.get("note"), utcnow())
        result = record_dict(record)
    return result


@bp.route("/records/<int:record_id>/reject", methods=["POST"])
@api_access(ORGANIZER_OF_RECORD)
@bp.arguments(RejectSchema)
@bp.response(200, RecordSchema)
def reject_record(body: dict, record: ServiceRecord):
    """Reject a pending claim or a missing check-out, with a reason the volunteer sees."""
    with committed():
        records.reject_claim(record, acting_user(), body["reason"], utcnow())
        result = record_dict(record)
    return result
