"""A unit's compliance: the rows of the CSV report (paged over units) and its missing
people, masked unless a signed-in coordinator asks to reveal them (audited)."""

from datetime import date

from flask import g
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from volunteer.access import acting_user, coordinator_of
from volunteer.api.base import PageArgs, api_access, bp, page_of, paged
from volunteer.documents.compliance import MEETS_VALUES, rate_text
from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.models import ApiScope, TokenKind, Unit
from volunteer.services import compliance, periods, privacy
from volunteer.services.audit import record_audit
from volunteer.services.compliance import snapshots
from volunteer.services.errors import ServiceError
from volunteer.tasks import refreshes

COORDINATOR_OF_UNIT = coordinator_of(Unit, "unit_id", "unit")
DAYS = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))
RATE = {
    "description": "Four decimals as in the CSV report; null when undefined.",
    "example": "0.7000",
}


class PeriodArgs(PageArgs):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    start = fields.Date(validate=DAYS, metadata={"description": "First day (Beijing)."})
    end = fields.Date(validate=DAYS, metadata={"description": "Last day (Beijing)."})


class MissingArgs(PeriodArgs):
    reveal = fields.Boolean(
        load_default=False,
        metadata={"description": "Full ID numbers and phones (audited; not with a scoped token)."},
    )


class FiguresSchema(Schema):
    staff = fields.Integer(required=True)
    staff_registered = fields.Integer(required=True)
    staff_completed = fields.Integer(required=True)
    staff_rate = fields.String(allow_none=True, required=True, metadata=RATE)
    party = fields.Integer(required=True)
    party_registered = fields.Integer(required=True)
    party_completed = fields.Integer(required=True)
    party_rate = fields.String(allow_none=True, required=True, metadata=RATE)


class UnitRowSchema(FiguresSchema):
    unit_id = fields.Integer(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    depth = fields.Integer(required=True)
    meets_targets = fields.String(
        required=True, validate=validate.OneOf(sorted(MEETS_VALUES.values()))
    )
    staff_needs = fields.Integer(allow_none=True, required=True)
    party_needs = fields.Integer(allow_none=True, required=True)


class PeriodSchema(Schema):
    start = fields.Date(allow_none=True, required=True)
    end = fields.Date(required=True)


class TargetsSchema(Schema):
    staff = fields.String(required=True, metadata={"example": "0.7000"})
    party = fields.String(required=True, metadata={"example": "0.9000"})
    min_minutes = fields.Integer(required=True)


class MissingPersonSchema(Schema):
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    name = fields.String(required=True)
    id_number = fields.String(required=True, metadata={"description": "Masked unless revealed."})
    phone = fields.String(required=True, metadata={"description": "Masked unless revealed."})
    position = fields.String(allow_none=True, required=True)
    party = fields.Boolean(required=True)
    reason = fields.Enum(compliance.Missing, by_value=True, required=True)
    volunteer_number = fields.String(allow_none=True, required=True)
    minutes = fields.Integer(required=True)


ComplianceSchema = paged(
    UnitRowSchema,
    "ComplianceSchema",
    unit_id=fields.Integer(required=True),
    period=fields.Nested(PeriodSchema, required=True),
    targets=fields.Nested(TargetsSchema, required=True),
    rollup=fields.Nested(
        FiguresSchema,
        required=True,
        metadata={"description": "The subtree's distinct people (each counted once)."},
    ),
    figures_as_of=fields.DateTime(
        allow_none=True,
        required=True,
        metadata={
            "description": "When the figures were computed, for a large subtree served from "
            "its kept result (refreshed in the background); null when computed for this call."
        },
    ),
)
MissingSchema = paged(
    MissingPersonSchema,
    "MissingSchema",
    unit_id=fields.Integer(required=True),
    period=fields.Nested(PeriodSchema, required=True),
    revealed=fields.Boolean(required=True),
)


def _period(args: dict) -> periods.Period:
    try:
        year = args.get("year") or periods.local_today().year
        return periods.make_period(year, args.get("start"), args.get("end"))
    except ServiceError as error:
        abort(422, code="invalid_period", message=error.message, field="start")


def _figures(f: compliance.Figures) -> dict:
    return {
        "staff": f.staff,
        "staff_registered": f.staff_registered,
        "staff_completed": f.staff_completed,
        "staff_rate": rate_text(f.staff_rate) or None,
        "party": f.party,
        "party_registered": f.party_registered,
        "party_completed": f.party_completed,
        "party_rate": rate_text(f.party_rate) or None,
    }


def _row(row: compliance.UnitRow) -> dict:
    return {
        "unit_id": row.unit_id,
        "unit_code": row.code,
        "unit_name": row.name,
        "depth": row.depth,
        "meets_targets": MEETS_VALUES[row.status],
        "staff_needs": row.staff_needs,
        "party_needs": row.party_needs,
        **_figures(row.figures),
    }


@bp.route("/units/<int:unit_id>/compliance", methods=["GET"])
@api_access(COORDINATOR_OF_UNIT, scope=ApiScope.COMPLIANCE_READ)
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, ComplianceSchema)
def unit_compliance(args: dict, unit: Unit):
    """The unit's subtree, one row per unit, with the figures of the CSV report."""
    period = _period(args)
    served = refreshes.served(snapshots.FULL, unit, period, acting_user())
    report = served.value
    page = page_of(report.rows, args)
    page["items"] = [_row(row) for row in page["items"]]
    targets = report.targets
    return {
        **page,
        "unit_id": unit.id,
        "period": {"start": period.start, "end": period.end},
        "targets": {
            "staff": rate_text(targets.staff_target),
            "party": rate_text(targets.party_target),
            "min_minutes": targets.min_minutes,
        },
        "rollup": _figures(report.total),
        "figures_as_of": served.computed_at,
    }


@bp.route("/units/<int:unit_id>/missing", methods=["GET"])
@api_access(COORDINATOR_OF_UNIT, scope=ApiScope.COMPLIANCE_READ)
@bp.arguments(MissingArgs, location="query")
@bp.response(200, MissingSchema)
def unit_missing(args: dict, unit: Unit):
    """The unit's roster people not yet counted: not registered, or without enough hours."""
    period = _period(args)
    reveal = args["reveal"]
    token = g.get("api_token")
    if reveal and token is not None and token.kind != TokenKind.SIGN_IN:
        abort(
            403, code="insufficient_scope", message=_("A scoped token cannot reveal personal data.")
        )
    people = compliance.missing_people(unit, period)
    if reveal:
        record_audit(acting_user(), "personal_data.reveal", unit, people=len(people), via="api")
        db.session.commit()
    page = page_of(people, args)
    page["items"] = [_person(person, reveal) for person in page["items"]]
    return {
        **page,
        "unit_id": unit.id,
        "period": {"start": period.start, "end": period.end},
        "revealed": reveal,
    }


def _person(person: compliance.MissingPerson, reveal: bool) -> dict:
    return {
        "unit_code": person.unit_code,
        "unit_name": person.unit_name,
        "name": person.name,
        "id_number": person.id_number if reveal else privacy.mask_id_number(person.id_number),
        "phone": (person.phone or "") if reveal else privacy.mask_phone(person.phone),
        "position": person.position,
        "party": person.party,
        "reason": person.reason,
        "volunteer_number": person.volunteer_number,
        "minutes": person.minutes,
    }
