"""Shapes several areas answer with: a service record, an activity in brief."""

from marshmallow import Schema, fields

from volunteer.models import RecordSource, RecordStatus, ServiceRecord


class ActivityBriefSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    place = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)


class RecordSchema(Schema):
    id = fields.Integer(required=True)
    activity = fields.Nested(ActivityBriefSchema, required=True)
    volunteer_name = fields.String(required=True)
    volunteer_number = fields.String(allow_none=True, required=True)
    check_in_at = fields.DateTime(required=True)
    check_out_at = fields.DateTime(allow_none=True, required=True)
    credited_minutes = fields.Integer(required=True)
    source = fields.Enum(RecordSource, by_value=True, required=True)
    status = fields.Enum(RecordStatus, by_value=True, required=True)
    note = fields.String(allow_none=True, required=True)
    review_note = fields.String(allow_none=True, required=True)


def record_dict(record: ServiceRecord) -> dict:
    """A record as RecordSchema shows it."""
    return {
        "id": record.id,
        "activity": record.activity,
        "volunteer_name": record.volunteer.user.name,
        "volunteer_number": record.volunteer.volunteer_number,
        "check_in_at": record.check_in_at,
        "check_out_at": record.check_out_at,
        "credited_minutes": record.credited_minutes,
        "source": record.source,
        "status": record.status,
        "note": record.note,
        "review_note": record.review_note,
    }
