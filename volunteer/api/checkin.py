"""Scanning through the API: the volunteer's scan (QR text or 6-digit code), the organizer's
current code, and the kiosk's scan of a personal code. The rules are the pages' own
(services/checkin.py); refusals answer their stable codes."""

import re

from flask import current_app, g, url_for
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from volunteer import rounding
from volunteer.access import VOLUNTEER, acting_user, organizer_of
from volunteer.actions import commit_if
from volunteer.api.base import api_access, bp, committed
from volunteer.api.errors import ErrorSchema
from volunteer.api.schemas import ActivityBriefSchema, RecordSchema, record_dict
from volunteer.extensions import limiter
from volunteer.i18n import clock
from volunteer.i18n import gettext as _
from volunteer.models import Activity, ApiScope, utcnow
from volunteer.printing.output import public_base_url
from volunteer.services import checkin, records, tokens
from volunteer.services.checkin import Outcome, Position, ScanResult

ORGANIZER_OF_ACTIVITY = organizer_of(Activity, "activity_id", "activity")
# What the screen's QR encodes: .../checkin/s/<activity>/<step>/<code> (rotating) or
# .../checkin/p/<activity>/<code> (a printed static QR).
ROTATING_QR = re.compile(r"/s/(\d{1,10})/(\d{1,12})/(\d{6})/?$")
STATIC_QR = re.compile(r"/p/(\d{1,10})/([0-9a-f]{24})/?$")


class ScanSchema(Schema):
    qr = fields.String(
        validate=validate.Length(min=1, max=500),
        metadata={"description": "The text of the screen's QR code (its scan URL)."},
    )
    code = fields.String(
        validate=validate.Length(min=1, max=20),
        metadata={"description": "The 6-digit code typed from the screen."},
    )
    latitude = fields.Float(validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(validate=validate.Range(min=-180, max=180))

    @validates_schema
    def one_of_qr_or_code(self, data: dict, **kwargs) -> None:
        if ("qr" in data) == ("code" in data):
            raise ValidationError(_("Send either the QR text or the 6-digit code."), "qr")
        if ("latitude" in data) != ("longitude" in data):
            raise ValidationError(_("Send both latitude and longitude, or neither."), "latitude")


class KioskScanSchema(Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The volunteer's personal code as scanned (WSV:...)."},
    )


class ScanResultSchema(Schema):
    outcome = fields.Enum(Outcome, by_value=True, required=True)
    changed = fields.Boolean(required=True, metadata={"description": "False for a repeat scan."})
    message = fields.String(required=True)
    minutes = fields.Integer(required=True, metadata={"description": "Credited minutes."})
    activity = fields.Nested(ActivityBriefSchema, required=True)
    record = fields.Nested(RecordSchema, required=True)


class CheckinCodeSchema(Schema):
    activity_id = fields.Integer(required=True)
    code = fields.String(required=True)
    step = fields.Integer(required=True)
    seconds_left = fields.Integer(required=True)
    scan_url = fields.String(required=True, metadata={"description": "What the QR encodes."})
    opens_at = fields.DateTime(required=True)
    closes_at = fields.DateTime(required=True)


SCAN_REFUSALS = (
    "Refused by a check-in rule, as on the pages. `code`: expired_code, invalid_code, "
    "unknown_activity, wrong_or_expired_code, not_published, activity_cancelled, not_open_yet, "
    "outside_window, signup_required, already_open_elsewhere, outside_geofence, scan_again "
    "(kiosk also unknown_personal_code, account_disabled). 422: malformed_code, "
    "location_needed (send latitude and longitude)."
)


def _token_key() -> str:
    token = g.get("api_token")
    return f"api-token:{token.id}" if token is not None else get_remote_address()


def _config_value(name: str):
    return lambda: current_app.config[name]


def _limited(per_token: str) -> callable:
    """Limit a scan per token (as pages limit per person) and per address."""

    def decorator(view):
        view = limiter.limit(_config_value("API_SCAN_ADDRESS_RATE_LIMIT"))(view)
        return limiter.limit(_config_value(per_token), key_func=_token_key)(view)

    return decorator


def _scan_message(result: ScanResult) -> str:
    record = result.record
    if result.outcome == Outcome.CHECKED_IN:
        detail = _("Check-in time: %(time)s", time=clock(record.check_in_at))
        return f"{_('Checked in')} · {detail}"
    if result.outcome == Outcome.CHECKED_OUT:
        detail = _(
            "Time credited: %(hours)s h (%(minutes)s min)",
            hours=rounding.hours_text(record.credited_minutes),
            minutes=record.credited_minutes,
        )
        return f"{_('Checked out')} · {detail}"
    if result.outcome == Outcome.ALREADY_IN:
        return _(
            "You checked in at %(time)s. This scan changed nothing.",
            time=clock(record.check_in_at),
        )
    return _(
        "You checked out at %(time)s. This scan changed nothing.",
        time=clock(record.check_out_at),
    )


def _result_dict(result: ScanResult) -> dict:
    return {
        "outcome": result.outcome,
        "changed": result.changed,
        "message": _scan_message(result),
        "minutes": result.record.credited_minutes,
        "activity": result.activity,
        "record": record_dict(result.record),
    }


def _scan(body: dict) -> ScanResult:
    volunteer, now = acting_user().volunteer, utcnow()
    position = Position(body["latitude"], body["longitude"]) if "latitude" in body else None
    if "code" in body:
        return checkin.scan_code(volunteer, body["code"], now, position)
    return checkin.scan_token(volunteer, *_qr_target(body["qr"]), now, None, position)


def _qr_target(qr: str) -> tuple[int, int, str]:
    """(activity id, step, code) named by a screen's QR or a printed static QR."""
    text = qr.strip().split("?")[0]
    if match := ROTATING_QR.search(text):
        return int(match[1]), int(match[2]), match[3]
    if match := STATIC_QR.search(text):
        return int(match[1]), tokens.STATIC_STEP, match[2]
    message = _("This is not a check-in QR code of this system.")
    abort(422, code="malformed_code", message=message, field="qr")


@bp.route("/scan", methods=["POST"])
@api_access(VOLUNTEER)
@_limited("CHECKIN_SCAN_RATE_LIMIT")
@bp.arguments(ScanSchema)
@bp.response(200, ScanResultSchema)
@bp.alt_response(409, schema=ErrorSchema, description=SCAN_REFUSALS)
def scan(body: dict):
    """Check in or out by the screen's QR or its 6-digit code: first scan in, next out."""
    with committed():
        result = _result_dict(_scan(body))
    return result


@bp.route("/activities/<int:activity_id>/checkin-code", methods=["GET"])
@api_access(ORGANIZER_OF_ACTIVITY)
@bp.response(200, CheckinCodeSchema)
def checkin_code(activity: Activity):
    """The activity's current rotating code and the URL its QR encodes (organizers)."""
    token = tokens.current_token(activity, utcnow())
    path = url_for("checkin.scan", activity_id=activity.id, step=token.step, code=token.code)
    return {
        "activity_id": activity.id,
        "code": token.code,
        "step": token.step,
        "seconds_left": token.seconds_left,
        "scan_url": public_base_url() + path,
        "opens_at": checkin.checkin_opens(activity),
        "closes_at": checkin.checkin_closes(activity),
    }


@bp.route("/activities/<int:activity_id>/kiosk-scans", methods=["POST"])
@api_access(ORGANIZER_OF_ACTIVITY, scope=ApiScope.KIOSK)
@_limited("API_KIOSK_RATE_LIMIT")
@bp.arguments(KioskScanSchema)
@bp.response(200, ScanResultSchema)
@bp.alt_response(409, schema=ErrorSchema, description=SCAN_REFUSALS)
def kiosk_scan(body: dict, activity: Activity):
    """The kiosk read a volunteer's personal code: check them in or out of the activity."""
    commit_if(records.close_stale(utcnow(), activity=activity))
    with committed():
        result = _result_dict(checkin.kiosk_scan(activity, body["code"], acting_user(), utcnow()))
    return result
