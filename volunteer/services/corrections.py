"""Correction requests (申请更正): a volunteer asks, the organizer checks and amends.

《志愿服务记录与证明出具办法》: a volunteer may ask for a record to be corrected and the
organizer must check it. An approved request is applied as an adjustment like any
other (records.set_times), so the ledger re-credits the record by the usual rules.
"""

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    CorrectionRequest,
    CorrectionStatus,
    RecordStatus,
    ServiceRecord,
    User,
    Volunteer,
)
from volunteer.services import paging, records
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError

# A record still being served or awaiting its first decision is settled on the review page.
CORRECTABLE = (RecordStatus.APPROVED, RecordStatus.REJECTED, RecordStatus.MISSING_CHECKOUT)


def request_correction(
    record: ServiceRecord,
    volunteer: Volunteer,
    check_in: datetime,
    check_out: datetime,
    reason: str,
    now: datetime,
) -> CorrectionRequest:
    """The volunteer asks for the record's times to be corrected; pending until decided."""
    _require_correctable(record, volunteer)
    reason = records.require_reason(reason)
    records.check_times(record.activity, check_in, check_out)
    if check_out > now:
        raise ServiceError(_l("The check-out time cannot be in the future."), "check_out")
    request = CorrectionRequest(
        record_id=record.id,
        volunteer_id=volunteer.id,
        check_in_at=check_in,
        check_out_at=check_out,
        reason=reason,
        created_at=now,
    )
    _insert_pending(request)
    record_audit(volunteer.user, "record.correction_requested", record, reason=reason)
    return request


def _require_correctable(record: ServiceRecord, volunteer: Volunteer) -> None:
    """Only the record's own volunteer asks, and only about a decided record."""
    if record.volunteer_id != volunteer.id:
        raise ServiceError(_l("You can only ask to correct your own records."), "reason")
    if record.status not in CORRECTABLE:
        raise ServiceError(
            _l("This record is not decided yet; the organizer reviews it anyway."), "reason"
        )


def _insert_pending(request: CorrectionRequest) -> None:
    """Insert the request; the database keeps one pending request per record."""
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError:
        raise ServiceError(
            _l("A correction of this record is already waiting for the organizer."),
            "reason",
            "correction_pending",
        ) from None


def approve_correction(
    request: CorrectionRequest, actor: User, note: str | None, now: datetime
) -> CorrectionRequest:
    """Apply the requested times as an adjustment (re-credited) and close the request."""
    _require_pending(request)
    reason = str(_l("Correction requested by the volunteer: %(reason)s", reason=request.reason))
    if (note or "").strip():
        reason = f"{reason} · {note.strip()}"
    records.set_times(request.record, request.check_in_at, request.check_out_at, reason, actor, now)
    _decide(request, CorrectionStatus.APPROVED, actor, note, now)
    return request


def reject_correction(
    request: CorrectionRequest, actor: User, reason: str, now: datetime
) -> CorrectionRequest:
    """Refuse the request with a reason the volunteer sees; the record stays as it is."""
    _require_pending(request)
    _decide(request, CorrectionStatus.REJECTED, actor, records.require_reason(reason), now)
    record_audit(actor, "record.correction_rejected", request.record, reason=reason)
    return request


def _require_pending(request: CorrectionRequest) -> None:
    if request.status != CorrectionStatus.PENDING:
        raise ServiceError(
            _l("This request has already been decided."), "reason", "already_decided"
        )


def _decide(
    request: CorrectionRequest, status: CorrectionStatus, actor: User, note, now: datetime
) -> None:
    request.status, request.decided_by_id, request.decided_at = status, actor.id, now
    request.decision_note = (note or "").strip() or None
    db.session.flush()


def corrections_of(record: ServiceRecord) -> list[CorrectionRequest]:
    """The record's correction requests, newest first."""
    return db.session.scalars(
        select(CorrectionRequest)
        .where(CorrectionRequest.record_id == record.id)
        .order_by(CorrectionRequest.created_at.desc(), CorrectionRequest.id.desc())
    ).all()


def _pending_query(organization_ids: set[int] | None) -> Select[tuple[CorrectionRequest]]:
    """Pending requests about records of these organizations' activities, oldest first."""
    query = (
        select(CorrectionRequest)
        .join(ServiceRecord, ServiceRecord.id == CorrectionRequest.record_id)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(CorrectionRequest.status == CorrectionStatus.PENDING)
        .options(
            contains_eager(CorrectionRequest.record).contains_eager(ServiceRecord.activity),
            joinedload(CorrectionRequest.volunteer).joinedload(Volunteer.user),
        )
        .order_by(CorrectionRequest.created_at, CorrectionRequest.id)
    )
    if organization_ids is not None:
        query = query.where(Activity.organization_id.in_(organization_ids))
    return query


def pending_page(organization_ids: set[int] | None, asked: int | None) -> paging.Page:
    """Page `asked` of the pending requests, oldest first, with their count."""
    return paging.page_of_query(_pending_query(organization_ids), asked)
