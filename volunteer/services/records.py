"""Service records after the scan: corrections, manual entries, claims, sweeps, totals.

Nothing here deletes a record. Every change to a record's credited time or
status is written as an `Adjustment` (who, when, why, before, after).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import contains_eager, joinedload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    ActivityStatus,
    Adjustment,
    CreditEntry,
    Organization,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    User,
    Volunteer,
)
from volunteer.services import hours, ledger, paging
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError, required_text


def adjust(
    record: ServiceRecord,
    actor: User | None,
    reason: str,
    *,
    status: RecordStatus | None = None,
    minutes: int | None = None,
    check_in: datetime | None = None,
    check_out: datetime | None = None,
    now: datetime | None = None,
) -> Adjustment:
    """Change a record and write the Adjustment row saying who, when, why, before, after."""
    before = _record_state(record, "before")
    changes = {
        "status": status,
        "credited_minutes": minutes,
        "check_in_at": check_in,
        "check_out_at": check_out,
    }
    for attribute, value in changes.items():
        if value is not None:
            setattr(record, attribute, value)
    after = _record_state(record, "after")
    actor_id = actor.id if actor is not None else None
    adjustment = Adjustment(record_id=record.id, actor_id=actor_id, reason=reason, **before | after)
    if now is not None:
        adjustment.created_at = now
    db.session.add(adjustment)
    db.session.flush()
    return adjustment


def _record_state(record: ServiceRecord, when: str) -> dict[str, object]:
    """The record's credited time, status and times as Adjustment fields (`before_...`)."""
    return {
        f"{when}_minutes": record.credited_minutes,
        f"{when}_status": record.status.value,
        f"{when}_check_in_at": record.check_in_at,
        f"{when}_check_out_at": record.check_out_at,
    }


# ---- forgotten check-outs ----


def stale_cutoff(now: datetime) -> datetime:
    """Open records of activities that ended before this moment are stale."""
    return now - timedelta(minutes=current_app.config["MISSING_CHECKOUT_GRACE_MINUTES"])


def is_stale(record: ServiceRecord, now: datetime) -> bool:
    """An open record whose activity ended more than the grace ago."""
    return record.status == RecordStatus.OPEN and record.activity.ends_at < stale_cutoff(now)


def close_as_missing_checkout(
    record: ServiceRecord, now: datetime, reason: str, actor: User | None = None
) -> None:
    """Close an open record as "missing check-out", credited 0, for the organizer to settle."""
    ledger.clear_credit(record)
    adjust(record, actor, reason, status=RecordStatus.MISSING_CHECKOUT, minutes=0, now=now)


# Reads call close_stale before showing records, so a stale record is never shown as
# open even when the cron job has not run yet.
def close_stale(
    now: datetime, activity: Activity | None = None, volunteer: Volunteer | None = None
) -> int:
    """Sweep forgotten check-outs (all, or of one activity / one volunteer); returns how many."""
    query = _stale_records(now)
    if activity is not None:
        query = query.where(ServiceRecord.activity_id == activity.id)
    if volunteer is not None:
        query = query.where(ServiceRecord.volunteer_id == volunteer.id)
    stale = db.session.scalars(query).all()
    reason = str(_l("No check-out by the end of the activity plus grace."))
    for record in stale:
        close_as_missing_checkout(record, now, reason)
    return len(stale)


def _stale_records(now: datetime) -> Select[tuple[ServiceRecord]]:
    """Open records whose activity ended before the grace, locked, skipping rows others hold."""
    return (
        select(ServiceRecord)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(ServiceRecord.status == RecordStatus.OPEN, Activity.ends_at < stale_cutoff(now))
        .with_for_update(of=ServiceRecord, skip_locked=True)
        .execution_options(populate_existing=True)
    )


# ---- organizer corrections ----


def check_times(activity: Activity, check_in: datetime, check_out: datetime) -> None:
    """Refuse times that end before they start or last longer than the activity."""
    if check_out <= check_in:
        raise ServiceError(_l("The check-out time must be after the check-in time."), "check_out")
    if (check_out - check_in) > (activity.ends_at - activity.starts_at):
        raise ServiceError(
            _l("A backfilled stretch cannot be longer than the activity itself."), "check_out"
        )


def require_reason(reason: str | None) -> str:
    """The trimmed reason, or a refusal when it is empty."""
    message = _l("Give a reason; it is kept with the record.")
    return required_text(reason, message, "reason", "reason_required")


def set_times(
    record: ServiceRecord,
    check_in: datetime,
    check_out: datetime,
    reason: str,
    actor: User,
    now: datetime,
) -> ServiceRecord:
    """The organizer sets the real times (a missing check-out, a wrong scan); re-credits."""
    reason = require_reason(reason)
    if record.status == RecordStatus.OPEN:
        raise ServiceError(_l("This volunteer is still checked in."), "check_out")
    check_times(record.activity, check_in, check_out)
    plan = _plan_or_refuse(record, check_in, check_out)
    minutes = _approve(record, plan, actor, reason, now, check_in=check_in, check_out=check_out)
    record.review_note = reason
    record_audit(actor, "record.set_times", record, minutes=minutes, reason=reason)
    return record


def _approve(
    record: ServiceRecord, plan: ledger.CreditPlan, actor: User, reason: str, now: datetime, **times
) -> int:
    """Approve the record as planned: the Adjustment, its ledger rows, its reviewer; the minutes."""
    adjust(
        record, actor, reason, status=RecordStatus.APPROVED, minutes=plan.minutes, now=now, **times
    )
    record.reviewed_by_id, record.reviewed_at = actor.id, now
    return ledger.apply_credit(record, plan)


def add_manual_record(
    activity: Activity,
    volunteer: Volunteer,
    check_in: datetime,
    check_out: datetime,
    note: str,
    actor: User,
    now: datetime,
) -> ServiceRecord:
    """An organizer enters a stretch from a paper sign-in sheet; it counts at once, unconfirmed.

    Until the volunteer confirms it (services.participation) it opens none of their data.
    """
    note = require_reason(note)
    if activity.status != ActivityStatus.PUBLISHED:
        raise ServiceError(_l("Records can only be added to a published activity."), "activity")
    check_times(activity, check_in, check_out)
    record = _pending_backfill(
        volunteer, activity, check_in, check_out, RecordSource.MANUAL, note, actor.id, now
    )
    minutes = _approve(record, _plan_or_refuse(record, check_in, check_out), actor, note, now)
    record_audit(actor, "record.manual", record, minutes=minutes)
    return record


def submit_claim(
    volunteer: Volunteer,
    activity: Activity,
    check_in: datetime,
    check_out: datetime,
    reason: str,
    now: datetime,
) -> ServiceRecord:
    """A volunteer's claim for missing hours (补录申请); pending until an organizer decides."""
    reason = require_reason(reason)
    _require_claimable(activity, now)
    check_times(activity, check_in, check_out)
    if check_out > now:
        raise ServiceError(_l("The check-out time cannot be in the future."), "check_out")
    _require_inside_activity(activity, check_in, check_out)
    return _pending_backfill(
        volunteer, activity, check_in, check_out, RecordSource.CLAIM, reason, volunteer.user_id, now
    )


def _require_inside_activity(activity: Activity, check_in: datetime, check_out: datetime) -> None:
    """A claim's times must overlap the activity's window (with grace), else it credits nothing."""
    grace = current_app.config["CREDIT_GRACE_MINUTES"]
    if hours.credit_window(check_in, check_out, activity, grace) is None:
        raise ServiceError(
            _l(
                "These times do not overlap the activity (%(window)s); nothing would be credited.",
                window=activity_window_text(activity),
            ),
            "check_in",
            "outside_activity",
        )


def activity_window_text(activity: Activity) -> str:
    """The activity's Beijing date and times, as the claim form lists them."""
    start = activity.starts_at.astimezone(hours.LOCAL_ZONE)
    end = activity.ends_at.astimezone(hours.LOCAL_ZONE)
    end_text = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%m-%d %H:%M")
    return f"{start:%Y-%m-%d %H:%M}–{end_text}"


def _plan_or_refuse(record: ServiceRecord, check_in: datetime, check_out: datetime):
    """Lock the volunteer and plan the credit; refuse an approval that would credit nothing."""
    plan = ledger.credit_now(record, check_in, check_out)
    if plan.minutes == 0:
        raise ServiceError(refusal_text(plan), "reason", "credits_nothing")
    return plan


def refusal_text(plan: ledger.CreditPlan) -> str:
    """Why an approval would credit nothing, in the user's language."""
    if plan.window is None:
        return str(_l("These times do not overlap the activity; approval would credit nothing."))
    if plan.overlaps:
        return str(
            _l(
                "This time is already credited (%(overlaps)s); approval would credit 0 minutes.",
                overlaps=overlap_text(plan),
            )
        )
    return str(_l("The daily cap is already reached; approval would credit 0 minutes."))


def overlap_text(plan: ledger.CreditPlan) -> str:
    """The other records a plan overlaps, e.g. 与『晨练』的记录重叠 95 分钟."""
    return "; ".join(
        str(_l("overlaps %(title)s by %(minutes)s min", title=o.title, minutes=o.minutes))
        for o in plan.overlaps
    )


def preview_credit(record: ServiceRecord) -> ledger.CreditPlan | None:
    """What approving the record as it stands would credit (no writes); None without times."""
    if record.check_out_at is None:
        return None
    return ledger.plan_credit(record, record.check_in_at, record.check_out_at)


def _require_claimable(activity: Activity, now: datetime) -> None:
    """Claims name a published activity that has already started."""
    if activity.status != ActivityStatus.PUBLISHED:
        raise ServiceError(_l("Claims can only be made for a published activity."), "activity")
    if activity.starts_at > now:
        raise ServiceError(_l("This activity has not started yet."), "activity")


def _pending_backfill(
    volunteer: Volunteer,
    activity: Activity,
    check_in: datetime,
    check_out: datetime,
    source: RecordSource,
    note: str,
    created_by_id: int,
    now: datetime,
) -> ServiceRecord:
    # A stretch entered after the fact (paper sheet or claim) starts pending, credited 0.
    record = ServiceRecord(
        volunteer_id=volunteer.id,
        activity_id=activity.id,
        check_in_at=check_in,
        check_out_at=check_out,
        credited_minutes=0,
        source=source,
        check_out_source=source,
        status=RecordStatus.PENDING,
        note=note,
        created_by_id=created_by_id,
        created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    return record


def _pending_only(record: ServiceRecord) -> None:
    if record.status not in (RecordStatus.PENDING, RecordStatus.MISSING_CHECKOUT):
        raise ServiceError(_l("This record has already been decided."), "reason", "already_decided")


def approve_claim(record: ServiceRecord, actor: User, note: str | None, now: datetime) -> None:
    """Approve a pending claim: credit its stretch by the usual rules."""
    _pending_only(record)
    if record.check_out_at is None:
        raise ServiceError(_l("Set the real check-out time instead."), "reason")
    plan = _plan_or_refuse(record, record.check_in_at, record.check_out_at)
    reason = (note or "").strip() or str(_l("Claim approved."))
    minutes = _approve(record, plan, actor, reason, now)
    record.review_note = reason
    record_audit(actor, "record.approve", record, minutes=minutes)


def reject_claim(record: ServiceRecord, actor: User, reason: str, now: datetime) -> None:
    """Reject a pending claim or a missing check-out, with a reason the volunteer sees."""
    _pending_only(record)
    reason = require_reason(reason)
    ledger.clear_credit(record)
    adjust(record, actor, reason, status=RecordStatus.REJECTED, minutes=0, now=now)
    record.reviewed_by_id, record.reviewed_at, record.review_note = actor.id, now, reason
    record_audit(actor, "record.reject", record, reason=reason)


# ---- reading ----


@dataclass(frozen=True)
class Totals:
    """A volunteer's approved minutes and pending claims."""

    year_minutes: int
    all_minutes: int
    pending: int


def totals_for(volunteer: Volunteer, now: datetime) -> Totals:
    """Credited minutes this (Beijing) year and all time, and the number of pending claims."""
    today = hours.local_day(now)
    this_year = ledger.minutes_query(volunteer.id, CreditEntry.day >= today.replace(month=1, day=1))
    all_time = ledger.minutes_query(volunteer.id)
    pending = select(func.count()).where(
        ServiceRecord.volunteer_id == volunteer.id, ServiceRecord.status == RecordStatus.PENDING
    )
    figures = (query.scalar_subquery() for query in (this_year, all_time, pending))
    row = db.session.execute(select(*figures)).one()
    return Totals(*(int(value) for value in row))


# Lists show each record's volunteer by name: load them with the records, not one by one.
_WITH_VOLUNTEER_NAME = joinedload(ServiceRecord.volunteer).joinedload(Volunteer.user)


def records_of_query(volunteer: Volunteer) -> Select[tuple[ServiceRecord]]:
    """The volunteer's records with their activities and organizations, newest first."""
    return (
        select(ServiceRecord)
        .where(ServiceRecord.volunteer_id == volunteer.id)
        .options(joinedload(ServiceRecord.activity).joinedload(Activity.organization))
        .order_by(ServiceRecord.check_in_at.desc(), ServiceRecord.id.desc())
    )


def record_page_of(volunteer: Volunteer, asked: int | None) -> paging.Page:
    """Page `asked` of the volunteer's records, newest first (years of service run to
    hundreds: issue 15)."""
    return paging.page_of_query(records_of_query(volunteer), asked)


def pending_claims_of(volunteer: Volunteer) -> list[ServiceRecord]:
    """The volunteer's claims still waiting for an organizer, newest first."""
    query = records_of_query(volunteer).where(ServiceRecord.status == RecordStatus.PENDING)
    return list(db.session.scalars(query))


def unconfirmed_of(volunteer: Volunteer) -> list[ServiceRecord]:
    """The volunteer's paper-sheet records still to confirm (participation.awaits_confirmation
    said in SQL), newest first."""
    query = records_of_query(volunteer).where(
        ServiceRecord.source == RecordSource.MANUAL, ServiceRecord.confirmed_at.is_(None)
    )
    return list(db.session.scalars(query))


# What the review queue holds: records an organizer must still decide.
QUEUE_STATUSES = (RecordStatus.MISSING_CHECKOUT, RecordStatus.PENDING)


@dataclass(frozen=True)
class QueueFilters:
    """The review queue narrowed to one status and to check-ins from / until a local day."""

    status: RecordStatus | None = None
    since: date | None = None
    until: date | None = None


def _inline(statuses: tuple[RecordStatus, ...]) -> list:
    """The statuses written into the SQL, not bound: PostgreSQL's generic plan of a prepared
    statement cannot match parameters to the partial index ix_service_records_undecided_in."""
    return [literal(status.value, literal_execute=True) for status in statuses]


def review_query(organization_ids: set[int] | None) -> Select[tuple[ServiceRecord]]:
    """Undecided records of these organizations' activities (None: all), oldest first."""
    query = (
        select(ServiceRecord)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(ServiceRecord.status.in_(_inline(QUEUE_STATUSES)))
        .options(contains_eager(ServiceRecord.activity), _WITH_VOLUNTEER_NAME)
        .order_by(ServiceRecord.check_in_at, ServiceRecord.id)
    )
    if organization_ids is not None:
        query = query.where(Activity.organization_id.in_(organization_ids))
    return query


def review_page(
    organization_ids: set[int] | None, filters: QueueFilters, asked: int | None
) -> paging.Page:
    """Page `asked` of the review queue narrowed by `filters`, oldest first, with its count."""
    query = review_query(organization_ids)
    if filters.status is not None:
        query = query.where(ServiceRecord.status == filters.status)
    days = paging.within_days(ServiceRecord.check_in_at, filters.since, filters.until)
    return paging.page_of_query(query.where(*days), asked)


# One message whichever identifier failed, so that a form cannot be used to probe either.
NO_MATCH = _l("No volunteer matches this number or phone together with this name.")


def named_volunteer(number_or_phone: str, name: str) -> Volunteer:
    """The volunteer `find_volunteer` finds, or a refusal saying NO_MATCH."""
    volunteer = find_volunteer(number_or_phone, name)
    if volunteer is None:
        raise ServiceError(NO_MATCH, "volunteer")
    return volunteer


# Two identifiers, so that a sequential volunteer number alone cannot attach a record (and,
# once confirmed, the person's data) to whoever holds it.
def find_volunteer(number_or_phone: str, name: str) -> Volunteer | None:
    """A volunteer by volunteer number (志愿者编号) or mobile phone, and their full name."""
    value = (number_or_phone or "").strip().upper()
    name = (name or "").strip()
    if not value or not name:
        return None
    return db.session.scalar(
        select(Volunteer)
        .join(User, User.id == Volunteer.user_id)
        .where((Volunteer.volunteer_number == value) | (User.phone == value), User.name == name)
    )


def _claimable(now: datetime, days: int) -> Select[tuple[Activity]]:
    """Published activities that started within the last `days` days, latest first."""
    return (
        select(Activity)
        .where(
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.starts_at <= now,
            Activity.starts_at >= now - timedelta(days=days),
        )
        .order_by(Activity.starts_at.desc(), Activity.id.desc())
    )


def claimable_activities(now: datetime, text: str = "", days: int = 90) -> list[Activity]:
    """The latest activities claims may name (at most a page: a province starts some 10,000
    in 90 days, too many for one select), those whose title or organization holds `text`
    when given."""
    query = _claimable(now, days)
    if text:
        query = query.join(Organization, Organization.id == Activity.organization_id).where(
            Activity.title.icontains(text, autoescape=True)
            | Organization.name.icontains(text, autoescape=True)
        )
    return list(db.session.scalars(query.limit(paging.PAGE_SIZE)))


def claimable_activity(activity_id: int | None, now: datetime, days: int = 90) -> Activity | None:
    """The activity of this id if claims may name it (however far down the list), else None."""
    if activity_id is None:
        return None
    return db.session.scalar(_claimable(now, days).where(Activity.id == activity_id))


def activity_record_page(activity: Activity, asked: int | None) -> paging.Page:
    """Page `asked` of an activity's records, in order of check-in (a large activity holds
    thousands: issue 15)."""
    query = (
        select(ServiceRecord)
        .where(ServiceRecord.activity_id == activity.id)
        .options(_WITH_VOLUNTEER_NAME)
        .order_by(ServiceRecord.check_in_at, ServiceRecord.id)
    )
    return paging.page_of_query(query, asked)


def activity_queue_page(activity: Activity, asked: int | None) -> paging.Page:
    """Page `asked` of the activity's records waiting for review, oldest first."""
    query = review_query(None).where(ServiceRecord.activity_id == activity.id)
    return paging.page_of_query(query, asked)
