"""The signed-in person: profile, totals, records (paged) and personal code."""

from marshmallow import Schema, fields

from volunteer.access import SIGNED_IN, VOLUNTEER, acting_user
from volunteer.api.base import PageArgs, api_access, bp, page_of_query, paged
from volunteer.api.schemas import RecordSchema, record_dict
from volunteer.models import utcnow
from volunteer.services import checkin, permissions, privacy, records


class VolunteerProfileSchema(Schema):
    volunteer_number = fields.String(allow_none=True, required=True)
    id_number_masked = fields.String(required=True)
    unit_id = fields.Integer(allow_none=True, required=True)
    work_unit_name = fields.String(allow_none=True, required=True)
    skills = fields.String(allow_none=True, required=True)
    service_areas = fields.String(allow_none=True, required=True)


class UnitBriefSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    phone = fields.String(required=True, metadata={"description": "Masked."})
    roles = fields.List(fields.String(), required=True)
    volunteer = fields.Nested(VolunteerProfileSchema, allow_none=True, required=True)
    coordinated_units = fields.List(
        fields.Nested(UnitBriefSchema),
        required=True,
        metadata={"description": "Roots of the unit subtrees I coordinate."},
    )
    organized_organization_ids = fields.List(fields.Integer(), required=True)


class TotalsSchema(Schema):
    year_minutes = fields.Integer(required=True, metadata={"description": "Approved, this year."})
    all_minutes = fields.Integer(required=True, metadata={"description": "Approved, all time."})
    pending_claims = fields.Integer(required=True, attribute="pending")


class PersonalCodeSchema(Schema):
    payload = fields.String(required=True, metadata={"description": "What the QR encodes."})


RecordPageSchema = paged(RecordSchema, "RecordPageSchema")


@bp.route("/me", methods=["GET"])
@api_access(SIGNED_IN)
@bp.response(200, MeSchema)
def me():
    """My account and volunteer profile (ID number masked)."""
    user = acting_user()
    volunteer = user.volunteer
    roles = [
        role
        for role, held in (
            ("volunteer", volunteer is not None),
            ("organizer", permissions.is_organizer(user)),
            ("coordinator", permissions.is_coordinator(user)),
            ("admin", permissions.is_admin(user)),
        )
        if held
    ]
    profile = None
    if volunteer is not None:
        profile = {
            "volunteer_number": volunteer.volunteer_number,
            "id_number_masked": privacy.mask_id_number(volunteer.id_number),
            "unit_id": volunteer.unit_id,
            "work_unit_name": volunteer.work_unit_name,
            "skills": volunteer.skills,
            "service_areas": volunteer.service_areas,
        }
    return {
        "id": user.id,
        "name": user.name,
        "phone": privacy.mask_phone(user.phone),
        "roles": roles,
        "volunteer": profile,
        "coordinated_units": permissions.coordinated_units(user),
        "organized_organization_ids": sorted(permissions.organizer_organization_ids(user)),
    }


@bp.route("/me/totals", methods=["GET"])
@api_access(VOLUNTEER)
@bp.response(200, TotalsSchema)
def my_totals():
    """My approved minutes this year and in all, and my pending claims."""
    return records.totals_for(acting_user().volunteer, utcnow())


@bp.route("/me/records", methods=["GET"])
@api_access(VOLUNTEER)
@bp.arguments(PageArgs, location="query")
@bp.response(200, RecordPageSchema)
def my_records(args: dict):
    """My service records, newest first, a page at a time."""
    return page_of_query(records.records_of_query(acting_user().volunteer), args, record_dict)


@bp.route("/me/personal-code", methods=["GET"])
@api_access(VOLUNTEER)
@bp.response(200, PersonalCodeSchema)
def my_personal_code():
    """The text of my personal code, for an app to draw as a QR for the kiosk."""
    return {"payload": checkin.personal_code_payload(acting_user().volunteer)}
