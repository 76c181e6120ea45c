"""The credit ledger: crediting a record on the volunteer's one timeline, and reading it.

A record credits only the part of its interval no other record of the volunteer
already credits, day by Beijing day within the daily cap (services/hours.py does
the arithmetic). Crediting locks the volunteer's row first, so two approvals, or a
scan and an approval, of one person take turns in PostgreSQL.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, delete, func, select, true

from volunteer.extensions import db
from volunteer.models import Activity, CreditEntry, RecordStatus, ServiceRecord, Volunteer
from volunteer.services import hours
from volunteer.services.periods import Period


@dataclass(frozen=True)
class Overlap:
    """Minutes of a record's window another record already credits."""

    record_id: int
    title: str
    source: str
    minutes: int


@dataclass
class CreditPlan:
    """What crediting a record would do: its pieces and what others already cover."""

    window: hours.Interval | None
    pieces: list[hours.Piece] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        """The minutes the record would credit."""
        return sum(piece.minutes for piece in self.pieces)

    @property
    def window_minutes(self) -> int:
        """Whole minutes of the record's window (inside the activity)."""
        return 0 if self.window is None else int(hours.measure_minutes([self.window]))

    @property
    def overlap_minutes(self) -> int:
        """Minutes of the window other records already credit."""
        return sum(overlap.minutes for overlap in self.overlaps)


def lock_volunteer(volunteer_id: int) -> None:
    """Take the volunteer's row lock: one crediting at a time per person (PostgreSQL)."""
    db.session.execute(
        select(Volunteer.id).where(Volunteer.id == volunteer_id).with_for_update()
    ).first()


def plan_credit(
    record: ServiceRecord, check_in: datetime, check_out: datetime, activity: Activity | None = None
) -> CreditPlan:
    """What the record would credit for [check_in, check_out]; reads only, writes nothing."""
    config = current_app.config
    window = hours.credit_window(
        check_in, check_out, activity or record.activity, config["CREDIT_GRACE_MINUTES"]
    )
    if window is None:
        return CreditPlan(None)
    others = _other_pieces(record, window)
    free = hours.subtract(window, [(row.starts_at, row.ends_at) for row in others])
    used = _used_by_day(record, hours.split_by_day(free).keys())
    pieces = hours.plan_pieces(free, config["CREDIT_ROUNDING_STEP_MINUTES"], _cap(), used)
    return CreditPlan(window, pieces, _overlaps(window, others))


def _cap() -> int:
    return int(current_app.config["DAILY_CAP_MINUTES"])


def _other_pieces(record: ServiceRecord, window: hours.Interval):
    """Other records' ledger pieces of this volunteer overlapping the window, with titles."""
    return db.session.execute(
        select(
            CreditEntry.record_id,
            CreditEntry.starts_at,
            CreditEntry.ends_at,
            Activity.title,
            ServiceRecord.source,
        )
        .join(ServiceRecord, ServiceRecord.id == CreditEntry.record_id)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(
            CreditEntry.volunteer_id == record.volunteer_id,
            _not_record(record),
            CreditEntry.starts_at < window[1],
            CreditEntry.ends_at > window[0],
        )
        .order_by(CreditEntry.starts_at)
    ).all()


def _not_record(record: ServiceRecord) -> ColumnElement[bool]:
    """Ledger rows of other records (a record not yet flushed has none)."""
    return CreditEntry.record_id != record.id if record.id is not None else true()


def _used_by_day(record: ServiceRecord, days) -> dict[date, int]:
    """Minutes other records of the volunteer credit on each of these days (one query)."""
    days = list(days)
    if not days:
        return {}
    rows = db.session.execute(
        select(CreditEntry.day, func.sum(CreditEntry.minutes))
        .where(
            CreditEntry.volunteer_id == record.volunteer_id,
            _not_record(record),
            CreditEntry.day.in_(days),
        )
        .group_by(CreditEntry.day)
    )
    return {day: int(minutes) for day, minutes in rows}


def _overlaps(window: hours.Interval, others) -> list[Overlap]:
    """Minutes of the window each other record covers, in order of first overlap."""
    covered: dict[int, list[hours.Interval]] = defaultdict(list)
    labels: dict[int, tuple[str, str]] = {}
    for row in others:
        covered[row.record_id].append((max(row.starts_at, window[0]), min(row.ends_at, window[1])))
        labels[row.record_id] = (row.title, str(row.source))
    return [
        Overlap(record_id, *labels[record_id], int(hours.measure_minutes(parts)))
        for record_id, parts in covered.items()
    ]


def apply_credit(record: ServiceRecord, plan: CreditPlan) -> int:
    """Replace the record's ledger rows with the plan's pieces; returns the minutes."""
    clear_credit(record)
    db.session.add_all(
        CreditEntry(
            record_id=record.id,
            volunteer_id=record.volunteer_id,
            day=piece.day,
            starts_at=piece.starts_at,
            ends_at=piece.ends_at,
            minutes=piece.minutes,
        )
        for piece in plan.pieces
    )
    record.credited_minutes = plan.minutes
    db.session.flush()
    return plan.minutes


def clear_credit(record: ServiceRecord) -> None:
    """Remove the record's ledger rows (it no longer credits anything)."""
    db.session.execute(delete(CreditEntry).where(CreditEntry.record_id == record.id))


def credit_now(record: ServiceRecord, check_in: datetime, check_out: datetime) -> CreditPlan:
    """Lock the volunteer and plan the record's credit (the caller applies or refuses)."""
    lock_volunteer(record.volunteer_id)
    return plan_credit(record, check_in, check_out)


# ---- reading: every report sums the ledger ----


def in_period(period: Period) -> ColumnElement[bool]:
    """Ledger rows of the period's Beijing days (all time when it has no start)."""
    condition = CreditEntry.day <= period.end
    if period.start is not None:
        condition = and_(CreditEntry.day >= period.start, condition)
    return condition


def minutes_query(volunteer_id: int, *conditions: ColumnElement[bool]) -> Select[tuple[int]]:
    """A volunteer's credited minutes on the ledger rows meeting `conditions` (0 when none)."""
    total = func.coalesce(func.sum(CreditEntry.minutes), 0)
    return select(total).where(CreditEntry.volunteer_id == volunteer_id, *conditions)


def minutes_in(period: Period | None, volunteer_id: int) -> int:
    """A volunteer's credited minutes in the period (all time when None)."""
    conditions = [] if period is None else [in_period(period)]
    return int(db.session.scalar(minutes_query(volunteer_id, *conditions)))


def minutes_for_new(
    volunteer_id: int, activity: Activity, check_in: datetime, check_out: datetime
) -> int:
    """What a new stretch of the volunteer at the activity would credit now (no writes)."""
    stretch = ServiceRecord(volunteer_id=volunteer_id, activity_id=activity.id)
    return plan_credit(stretch, check_in, check_out, activity).minutes


def as_given(record: ServiceRecord, minutes: int) -> CreditPlan:
    """A plan crediting exactly `minutes` from the check-in (imported data, test fixtures)."""
    if minutes <= 0:
        return CreditPlan(None)
    window = (record.check_in_at, record.check_in_at + timedelta(minutes=minutes))
    pieces, used = [], timedelta(0)
    # Whole minutes by running total, so a piece cut at midnight loses none of them.
    for day, parts in sorted(hours.split_by_day([window]).items()):
        for start, end in parts:
            before = int(used.total_seconds()) // 60
            used += end - start
            pieces.append(hours.Piece(day, start, end, int(used.total_seconds()) // 60 - before))
    return CreditPlan(window, pieces)


def credits_time() -> ColumnElement[bool]:
    """Approved records that credit some time (their minutes equal their ledger rows' sum)."""
    return and_(ServiceRecord.status == RecordStatus.APPROVED, ServiceRecord.credited_minutes > 0)
