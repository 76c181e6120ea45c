"""Scans an offline kiosk queued, applied when its network returns.

Each scan is received once: (device token, client id) is unique, so a retried batch
answers what the first delivery did and changes nothing. The device's clock is
corrected by the offset measured now (server time minus the device's time as it sent
the batch); when that offset differs from the one measured at the device's last online
contact, the clock was changed while offline and the scans go to review. The rules are
the online scan's own (services/checkin.scan, with source "offline kiosk"); a scan they
refuse, or whose outcome differs from what the device showed, becomes a record in the
organizer's review queue with the reason: never dropped, never credited unseen.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.i18n import local_datetime
from volunteer.models import (
    Activity,
    ApiScope,
    ApiToken,
    OfflineOutcome,
    OfflineScan,
    RecordSource,
    RecordStatus,
    RefusedBatch,
    ServiceRecord,
    Volunteer,
)
from volunteer.services import api_tokens, checkin, permissions, records
from volunteer.services.audit import record_audit
from volunteer.services.checkin import Outcome, ScanRefused

IN, OUT = "in", "out"
# The outcomes of the online rules that agree with what the device showed.
AGREEING = {
    IN: {
        Outcome.CHECKED_IN: OfflineOutcome.CHECKED_IN,
        Outcome.ALREADY_IN: OfflineOutcome.UNCHANGED,
    },
    OUT: {
        Outcome.CHECKED_OUT: OfflineOutcome.CHECKED_OUT,
        Outcome.ALREADY_OUT: OfflineOutcome.UNCHANGED,
    },
}


@dataclass(frozen=True)
class QueuedScan:
    """One scan as the device stored it."""

    client_id: str
    sequence: int
    activity_id: int
    code: str
    direction: str
    device_time: datetime


@dataclass(frozen=True)
class Batch:
    """What a device sends: its id, its clock now and at its last online contact, its scans."""

    device_id: str
    device_now: datetime
    scans: list[QueuedScan]
    contact_device_time: datetime | None = None
    contact_server_time: datetime | None = None


@dataclass(frozen=True)
class ClockCorrection:
    """How far the device's clock is behind the server's, and whether it held still."""

    offset: timedelta
    drift: timedelta  # change of the offset since the last online contact

    def corrected(self, device_time: datetime) -> datetime:
        """A device time on the server's clock."""
        return device_time + self.offset


def _tolerance() -> timedelta:
    return timedelta(seconds=int(current_app.config["KIOSK_CLOCK_TOLERANCE_SECONDS"]))


def clock_correction(batch: Batch, now: datetime) -> ClockCorrection:
    """The offset measured at sync time, and its drift from the last online contact's."""
    offset = now - batch.device_now
    if batch.contact_device_time is None or batch.contact_server_time is None:
        return ClockCorrection(offset, timedelta(0))
    return ClockCorrection(offset, offset - (batch.contact_server_time - batch.contact_device_time))


def _clock_problem(correction: ClockCorrection, corrected: datetime, now: datetime) -> str | None:
    """Why the corrected time cannot be trusted, if it cannot."""
    if abs(correction.drift) > _tolerance():
        minutes = round(abs(correction.drift).total_seconds() / 60)
        return str(
            _l(
                "The device's clock was changed by %(minutes)s min while offline; "
                "the scan time is uncertain.",
                minutes=minutes,
            )
        )
    if corrected > now + _tolerance():
        return str(_l("The corrected scan time is in the future."))
    return None


# ---- the device's token ----


def inactive_token(secret: str) -> ApiToken | None:
    """A kiosk's token that exists but no longer works (revoked or expired), by its text."""
    return api_tokens.token_with_secret(secret)


def refuse_batch(token: ApiToken, device_id: str, scan_count: int, now: datetime) -> RefusedBatch:
    """Keep the fact that a dead token tried to sync, for the admins to see; apply nothing."""
    reason = "revoked" if token.revoked_at is not None else "expired"
    refused = RefusedBatch(
        token_id=token.id,
        device_id=device_id[:64],
        received_at=now,
        scan_count=scan_count,
        reason=reason,
    )
    db.session.add(refused)
    record_audit(None, "kiosk.sync_refused", token, device=device_id[:64], scans=scan_count)
    db.session.flush()
    return refused


def refused_batches(limit: int = 200) -> list[RefusedBatch]:
    """The latest refused batches, newest first (the admins' list)."""
    newest_first = select(RefusedBatch).order_by(
        RefusedBatch.received_at.desc(), RefusedBatch.id.desc()
    )
    return list(db.session.scalars(newest_first.limit(limit)))


# ---- applying a batch ----


def sync_batch(token: ApiToken, batch: Batch, now: datetime) -> list[OfflineScan]:
    """Apply the batch's new scans in the device's order; scans seen before change nothing."""
    correction = clock_correction(batch, now)
    received = []
    for scan in sorted(batch.scans, key=lambda s: s.sequence):
        previous = _received_before(token, scan.client_id)
        received.append(previous or _receive(token, batch.device_id, scan, correction, now))
    for activity_id in {row.activity_id for row in received if row.activity_id is not None}:
        # Check-ins the batch opened after the activity ended plus grace go to review now.
        records.close_stale(now, activity=db.session.get(Activity, activity_id))
    db.session.flush()
    return received


def _received_before(token: ApiToken, client_id: str) -> OfflineScan | None:
    return db.session.scalar(
        select(OfflineScan).where(
            OfflineScan.token_id == token.id, OfflineScan.client_id == client_id
        )
    )


def _receive(
    token: ApiToken, device_id: str, scan: QueuedScan, correction: ClockCorrection, now: datetime
) -> OfflineScan:
    """Store one scan and what became of it."""
    row = OfflineScan(
        token_id=token.id,
        client_id=scan.client_id,
        device_id=device_id[:64],
        sequence=scan.sequence,
        code=scan.code[:100],
        direction=scan.direction,
        device_time=scan.device_time,
        corrected_time=correction.corrected(scan.device_time),
        received_at=now,
    )
    activity = db.session.get(Activity, scan.activity_id)
    row.activity_id = activity.id if activity is not None else None
    row.outcome, row.reason, row.record = _outcome(token, activity, scan, row, correction, now)
    db.session.add(row)
    db.session.flush()
    return row


def _outcome(token, activity, scan, row, correction, now):
    """(outcome, reason, record) of one scan: refused, to review, or by the online rules."""
    if activity is None or not permissions.can_organize(token.user, activity.organization_id):
        return OfflineOutcome.REFUSED, str(_l("This device may not record this activity.")), None
    try:
        volunteer = checkin.kiosk_volunteer(scan.code)
    except ScanRefused as refusal:
        return OfflineOutcome.REFUSED, str(refusal.message), None
    problem = _clock_problem(correction, row.corrected_time, now)
    if problem is not None:
        return _to_review(volunteer, activity, scan.direction, row.corrected_time, problem, token)
    return _by_the_rules(volunteer, activity, scan.direction, row.corrected_time, token)


class _Disagrees(Exception):
    """The online rules would do something other than what the device showed."""

    def __init__(self, result: checkin.ScanResult) -> None:
        super().__init__(result.outcome)
        self.result = result


def _forget_undone(result: checkin.ScanResult) -> None:
    """After the savepoint's rollback, drop a record its INSERT ... RETURNING had loaded."""
    if result.outcome == Outcome.CHECKED_IN and result.record in db.session:
        db.session.expunge(result.record)


def _by_the_rules(volunteer: Volunteer, activity: Activity, direction: str, at: datetime, token):
    """Apply the online scan at the corrected time; anything else goes to review."""
    waiting = _waiting_check_in(volunteer, activity)
    if waiting is not None:
        return _to_review(volunteer, activity, direction, at, _waiting_reason(), token)
    open_record = checkin.open_record_of(volunteer)
    if open_record is not None and open_record.check_in_at > at:
        reason = str(_l("A later check-in of this volunteer is already recorded."))
        return _to_review(volunteer, activity, direction, at, reason, token)
    try:
        with db.session.begin_nested():
            result = checkin.scan(volunteer, activity, at, RecordSource.OFFLINE_KIOSK)
            if result.outcome not in AGREEING[direction]:
                raise _Disagrees(result)
    except ScanRefused as refusal:
        return _to_review(volunteer, activity, direction, at, str(refusal.message), token)
    except _Disagrees as disagreement:
        _forget_undone(disagreement.result)
        return _to_review(volunteer, activity, direction, at, _disagreement(direction), token)
    checkin.scanned_by(result, token.user_id)
    return AGREEING[direction][result.outcome], None, result.record


def _waiting_reason() -> str:
    return str(_l("The check-in before this scan is waiting for review."))


def _disagreement(direction: str) -> str:
    if direction == IN:
        reason = _l("The device showed a check-in, but the server has this volunteer checked in.")
    else:
        reason = _l("The device showed a check-out, but the server has no check-in to close.")
    return str(reason)


# ---- the review queue ----


def _waiting_check_in(volunteer: Volunteer, activity: Activity) -> ServiceRecord | None:
    """An offline check-in of the volunteer here that went to review and has no check-out yet."""
    return db.session.scalar(
        select(ServiceRecord).where(
            ServiceRecord.volunteer_id == volunteer.id,
            ServiceRecord.activity_id == activity.id,
            ServiceRecord.source == RecordSource.OFFLINE_KIOSK,
            ServiceRecord.status == RecordStatus.PENDING,
            ServiceRecord.check_out_at.is_(None),
        )
    )


def _to_review(volunteer: Volunteer, activity: Activity, direction: str, at: datetime, why, token):
    """Put the scan in the organizer's review queue with its reason; credits nothing."""
    note = _review_note(direction, at, why)
    if direction == OUT:
        return OfflineOutcome.REVIEW, why, _review_check_out(volunteer, activity, at, note, token)
    return OfflineOutcome.REVIEW, why, _pending_record(volunteer, activity, at, None, note, token)


def _review_note(direction: str, at: datetime, why: str) -> str:
    time = local_datetime(at, "yyyy-MM-dd HH:mm")
    if direction == IN:
        return str(_l("Offline kiosk check-in at %(time)s: %(why)s", time=time, why=why))
    return str(_l("Offline kiosk check-out at %(time)s: %(why)s", time=time, why=why))


def _review_check_out(volunteer, activity, at: datetime, note: str, token) -> ServiceRecord:
    """A check-out to review: onto the waiting offline check-in, the open record, or alone."""
    waiting = _waiting_check_in(volunteer, activity)
    if waiting is not None and waiting.check_in_at <= at:
        records.adjust(waiting, token.user, note, check_out=at)
        waiting.note = f"{waiting.note}\n{note}"
        return waiting
    open_record = checkin.open_record_of(volunteer)
    here = open_record is not None and open_record.activity_id == activity.id
    if here and open_record.check_in_at <= at:
        records.close_as_missing_checkout(open_record, at, note, token.user)
        return open_record
    return _pending_record(volunteer, activity, at, at, note, token)


def _pending_record(volunteer, activity, check_in, check_out, note: str, token) -> ServiceRecord:
    """A pending record, credited 0, that the organizer settles (sets times or rejects)."""
    record = ServiceRecord(
        volunteer_id=volunteer.id,
        activity_id=activity.id,
        check_in_at=check_in,
        check_out_at=check_out,
        credited_minutes=0,
        source=RecordSource.OFFLINE_KIOSK,
        check_out_source=RecordSource.OFFLINE_KIOSK if check_out else None,
        status=RecordStatus.PENDING,
        note=note,
        created_by_id=token.user_id,
    )
    db.session.add(record)
    db.session.flush()
    return record


def enroll_device(user, activity: Activity, now: datetime) -> api_tokens.IssuedToken:
    """A kiosk-scoped token for the organizer's device, made once while online; revocable."""
    name = str(_l("Offline kiosk: %(title)s", title=activity.title))[:80]
    issued = api_tokens.create_personal_token(user, name, [ApiScope.KIOSK], now)
    record_audit(user, "kiosk.enroll_device", issued.token, activity=activity.id)
    return issued
