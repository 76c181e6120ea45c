"""The offline kiosk's sync: the scans a device queued without a network, posted in batches.

Idempotent by each scan's client id: a retried batch answers what the first delivery did.
A batch sent with a revoked or expired device token is refused (403 `token_revoked`) and
kept for the admins to see; nothing of it is applied.
"""

from datetime import UTC, datetime

from flask import current_app, g, request
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from volunteer.access import ANY_ORGANIZER, Rule
from volunteer.api.base import api_access, bp, committed
from volunteer.api.errors import ErrorSchema
from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.models import ApiScope, OfflineOutcome, utcnow
from volunteer.services import api_tokens, offline_sync
from volunteer.services.offline_sync import IN, OUT, Batch, QueuedScan

# Device clocks are corrected, not trusted, but a time outside these years is no clock at all.
SANE_TIME = validate.Range(
    min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC)
)

# The view itself tells a dead token (kept and refused) from no token at all.
KIOSK_DEVICE = Rule("kiosk device token (checked by the view)", needs_login=False)


class QueuedScanSchema(Schema):
    client_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    sequence = fields.Integer(required=True, validate=validate.Range(min=0, max=2**31 - 1))
    activity_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    code = fields.String(required=True, validate=validate.Length(min=1, max=100))
    direction = fields.String(required=True, validate=validate.OneOf([IN, OUT]))
    device_time = fields.AwareDateTime(required=True, validate=SANE_TIME)


class ContactSchema(Schema):
    device_time = fields.AwareDateTime(required=True, validate=SANE_TIME)
    server_time = fields.AwareDateTime(required=True, validate=SANE_TIME)


class BatchSchema(Schema):
    device_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    device_now = fields.AwareDateTime(
        required=True,
        validate=SANE_TIME,
        metadata={"description": "The device's clock as it sends the batch."},
    )
    last_contact = fields.Nested(
        ContactSchema,
        metadata={"description": "Device and server time at the device's last online contact."},
    )
    scans = fields.List(fields.Nested(QueuedScanSchema), required=True)


class SyncedScanSchema(Schema):
    client_id = fields.String(required=True)
    outcome = fields.Enum(OfflineOutcome, by_value=True, required=True)
    reason = fields.String(allow_none=True)
    record_id = fields.Integer(allow_none=True)
    minutes = fields.Integer(required=True, metadata={"description": "Credited minutes."})


class SyncResultSchema(Schema):
    server_time = fields.DateTime(required=True)
    offset_seconds = fields.Integer(required=True, metadata={"description": "Server - device."})
    items = fields.List(fields.Nested(SyncedScanSchema), required=True)


class ClockSchema(Schema):
    server_time = fields.DateTime(required=True)


@bp.route("/kiosk/clock", methods=["GET"])
@api_access(ANY_ORGANIZER, scope=ApiScope.KIOSK)
@bp.response(200, ClockSchema)
def kiosk_clock():
    """The server's time, for a kiosk device to measure its clock while online."""
    return {"server_time": utcnow()}


@bp.route("/kiosk/sync", methods=["POST"])
@api_access(KIOSK_DEVICE)
@bp.arguments(BatchSchema)
@bp.response(200, SyncResultSchema)
@bp.alt_response(403, schema=ErrorSchema, description="token_revoked, insufficient_scope.")
def kiosk_sync(body: dict):
    """Post scans queued offline; each is applied once, by the online rules, or reviewed."""
    now = utcnow()
    token = _device_token(body, now)
    if len(body["scans"]) > int(current_app.config["KIOSK_SYNC_BATCH_MAX"]):
        abort(413, code="batch_too_large", message=_("Send fewer scans per request."))
    batch = _batch(body)
    with committed():
        received = offline_sync.sync_batch(token, batch, now)
        items = [_item(row) for row in received]
    offset = offline_sync.clock_correction(batch, now).offset
    return {"server_time": now, "offset_seconds": round(offset.total_seconds()), "items": items}


def _device_token(body: dict, now):
    """The batch's active kiosk token; a dead one's batch is kept, refused and answered 403."""
    token = g.get("api_token")
    if token is not None:
        if not api_tokens.permits(token, ApiScope.KIOSK):
            abort(403, code="insufficient_scope", message=_("This token lacks the scope kiosk."))
        return token
    dead = offline_sync.inactive_token(_bearer_secret())
    if dead is None:
        abort(401)
    offline_sync.refuse_batch(dead, body["device_id"], len(body["scans"]), now)
    db.session.commit()
    abort(
        403,
        code="token_revoked",
        message=_("This device's authorization was revoked; its scans were not applied."),
    )


def _bearer_secret() -> str:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _batch(body: dict) -> Batch:
    contact = body.get("last_contact") or {}
    return Batch(
        device_id=body["device_id"],
        device_now=body["device_now"],
        scans=[QueuedScan(**scan) for scan in body["scans"]],
        contact_device_time=contact.get("device_time"),
        contact_server_time=contact.get("server_time"),
    )


def _item(row) -> dict:
    minutes = row.record.credited_minutes if row.record is not None else 0
    return {
        "client_id": row.client_id,
        "outcome": row.outcome,
        "reason": row.reason,
        "record_id": row.record_id,
        "minutes": minutes,
    }
