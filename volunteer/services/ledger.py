"""The credit ledger: crediting a record on the volunteer's one timeline, and reading it.

A record credits only the part of its interval no other record of the volunteer
already credits, day by Beijing day within the daily cap (services/hours.py does
the arithmetic). Crediting locks the volunteer's row first, so two approvals, or a
scan and an approval, of one person take turns in PostgreSQL. Every write also keeps
the volunteer's year totals (`YearMinutes`) and the activity's (`ActivityYearMinutes`:
minutes and participations) equal to the ledger's sums, in the same transaction, so
whole-year reports read one row per person or per activity.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityYearMinutes,
    CreditEntry,
    ServiceRecord,
    Volunteer,
    YearMinutes,
)
from volunteer.services import hours, staleness
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


# Every check-out runs these reads: built once per process, given values each time (their
# compiled SQL is cached either way; building them again cost more than running them). They
# name the tables, not the models: the ORM's handling of a select of model columns cost a
# check-out more than the query did (nothing here wants objects).
_pieces, _records = CreditEntry.__table__.c, ServiceRecord.__table__.c
LOCK_VOLUNTEER = select(Volunteer.id).where(Volunteer.id == bindparam("id")).with_for_update()
PIECES_ON_DAYS = (
    select(
        _pieces.record_id,
        _pieces.day,
        _pieces.starts_at,
        _pieces.ends_at,
        _pieces.minutes,
        Activity.__table__.c.title,
        _records.source,
    )
    .join_from(CreditEntry.__table__, ServiceRecord.__table__, _records.id == _pieces.record_id)
    .join(Activity.__table__, Activity.__table__.c.id == _records.activity_id)
    .where(
        _pieces.volunteer_id == bindparam("volunteer_id"),
        _pieces.day.in_(bindparam("days", expanding=True)),
    )
    .order_by(_pieces.starts_at)
)
OTHER_PIECES_ON_DAYS = PIECES_ON_DAYS.where(_pieces.record_id != bindparam("record_id"))


INSERT_PIECES = insert(CreditEntry.__table__)
# One record's columns, given as parameters: the unit of work cost a check-out about 700
# Python calls to find and write the same columns.
UPDATE_RECORD = update(ServiceRecord.__table__).where(_records.id == bindparam("record_id"))


def lock_volunteer(volunteer_id: int) -> None:
    """Take the volunteer's row lock: one crediting at a time per person (PostgreSQL)."""
    db.session.execute(LOCK_VOLUNTEER, {"id": volunteer_id}).first()


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
    same_days = _pieces_on_days(record, hours.split_by_day([window]).keys())
    others = [row for row in same_days if row.starts_at < window[1] and row.ends_at > window[0]]
    free = hours.subtract(window, [(row.starts_at, row.ends_at) for row in others])
    used = _minutes_by_day(same_days)
    pieces = hours.plan_pieces(free, config["CREDIT_ROUNDING_STEP_MINUTES"], _cap(), used)
    return CreditPlan(window, pieces, _overlaps(window, others))


def _cap() -> int:
    return int(current_app.config["DAILY_CAP_MINUTES"])


def _pieces_on_days(record: ServiceRecord, days) -> list:
    """Other records' ledger pieces of this volunteer on these Beijing days, with titles: the
    ones overlapping a window and the minutes against each day's cap, in one query."""
    values = {"volunteer_id": record.volunteer_id, "days": list(days)}
    if record.id is None:  # not flushed yet, so it has no ledger rows to leave out
        statement = PIECES_ON_DAYS
    else:
        statement, values["record_id"] = OTHER_PIECES_ON_DAYS, record.id
    db.session.flush()  # as the ORM would before a query of models: pending records count
    return db.session.execute(statement, values).all()


def _minutes_by_day(pieces) -> dict[date, int]:
    """Minutes the pieces credit on each day."""
    used: dict[date, int] = defaultdict(int)
    for piece in pieces:
        used[piece.day] += piece.minutes
    return used


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


def apply_credit(record: ServiceRecord, plan: CreditPlan, *, first: bool = False) -> int:
    """Replace the record's ledger rows with the plan's pieces; returns the minutes. `first`
    says the record has none yet (an open record closing), which spares a DELETE per scan."""
    write_credit(record, plan, first=first)
    record.credited_minutes = plan.minutes
    db.session.flush()
    return plan.minutes


def write_credit(record: ServiceRecord, plan: CreditPlan, *, first: bool = False) -> None:
    """apply_credit but for the record's own credited minutes, which the caller stores (a
    scan's check-out writes them with the rest of the record); the new ledger rows and the
    totals are written at once (the record must have its id)."""
    old = {} if first else _cleared_by_year(record)
    new: dict[int, int] = defaultdict(int)
    for piece in plan.pieces:
        new[piece.day.year] += piece.minutes
    _keep_totals(record, old, new)
    rows = [
        {
            "record_id": record.id,
            "volunteer_id": record.volunteer_id,
            "activity_id": record.activity_id,
            "day": piece.day,
            "starts_at": piece.starts_at,
            "ends_at": piece.ends_at,
            "minutes": piece.minutes,
        }
        for piece in plan.pieces
    ]
    if rows:  # into the table, not through the ORM: nothing reads the rows back as objects,
        # and the unit of work's bookkeeping for them cost a check-out more than the insert
        db.session.execute(INSERT_PIECES, rows[0] if len(rows) == 1 else rows)


def close_with_credit(record: ServiceRecord, plan: CreditPlan, closing: dict) -> None:
    """Credit a record that credits nothing yet (an open record checking out) and write its
    own columns `closing` with it; the loaded record takes them as stored, so nothing is
    left to flush."""
    if len(plan.pieces) == 1 and plan.pieces[0].minutes > 0 and _one_statement():
        values = {**_first_piece_values(record, plan.pieces[0]), **closing}
        db.session.flush()  # as staleness.credit_changed does, for the marks' conditions
        db.session.execute(_first_piece_write(tuple(closing)), values)
    else:
        write_credit(record, plan, first=True)
        db.session.execute(UPDATE_RECORD, {"record_id": record.id, **closing})
    for key, value in closing.items():
        set_committed_value(record, key, value)


def _one_statement() -> bool:
    """Can the database run a crediting's writes as one statement (data-changing WITH)?"""
    return db.session.get_bind().dialect.name == "postgresql"


def _first_piece_values(record: ServiceRecord, piece: hours.Piece) -> dict:
    """What _first_piece_write takes besides the record's own columns."""
    return {
        "record_id": record.id,
        "credit_volunteer": record.volunteer_id,
        "credit_activity": record.activity_id,
        "credit_day": piece.day,
        "credit_starts_at": piece.starts_at,
        "credit_ends_at": piece.ends_at,
        "credit_minutes": piece.minutes,
        "credit_year": piece.day.year,
        "credit_participations": 1,  # the record's first minutes that year
        **staleness.credit_marking_values(record.volunteer_id, [piece.day.year]),
    }


# Most check-outs credit one piece on one day: on PostgreSQL the record, the piece, the two
# year totals and the report marks go as one statement instead of five round trips, each of
# which cost a check-out more Python than its database work. Built once per set of columns.
# No parameter is named as a column of a table the statement writes (hence "credit_..."):
# SQLAlchemy adds such a parameter to an UPDATE's SET clause, and to an INSERT's columns.
@functools.cache
def _first_piece_write(record_columns: tuple[str, ...]):
    """The volunteer's year upsert WITH the activity's, the report marks, the piece and the
    record's UPDATE.

    PostgreSQL runs the main statement first, then the WITH parts last to first: the order
    below (year totals, activity totals, marks, piece, record) is the order in which the
    separate statements take their row locks, so the two ways never wait on each other in
    a circle."""
    piece = INSERT_PIECES.values(
        _bound(
            record_id="record_id",
            volunteer_id="credit_volunteer",
            activity_id="credit_activity",
            day="credit_day",
            starts_at="credit_starts_at",
            ends_at="credit_ends_at",
            minutes="credit_minutes",
        )
    )
    activity_year = _gain_upsert(
        "postgresql", ActivityYearMinutes, ("activity_id", "year"), ("minutes", "participations")
    ).values(
        _bound(
            activity_id="credit_activity",
            year="credit_year",
            minutes="credit_minutes",
            participations="credit_participations",
        )
    )
    volunteer_year = _gain_upsert("postgresql", YearMinutes, ("volunteer_id", "year"), ("minutes",))
    record = UPDATE_RECORD.values(_bound(**{name: name for name in record_columns}))
    return volunteer_year.values(
        _bound(volunteer_id="credit_volunteer", year="credit_year", minutes="credit_minutes")
    ).add_cte(
        record.cte("closed_record"),
        piece.cte("new_piece"),
        staleness.credit_marking().cte("marked"),
        activity_year.cte("activity_year"),
    )


def _bound(**parameters: str) -> dict:
    """Each column (keyword) given its value at execution under a parameter's name."""
    return {column: bindparam(name) for column, name in parameters.items()}


def clear_credit(record: ServiceRecord) -> None:
    """Remove the record's ledger rows (it no longer credits anything)."""
    _keep_totals(record, _cleared_by_year(record), {})


def _cleared_by_year(record: ServiceRecord) -> dict[int, int]:
    """Delete the record's ledger rows; the minutes they credited, per year."""
    removed = db.session.execute(
        delete(CreditEntry)
        .where(CreditEntry.record_id == record.id)
        .returning(CreditEntry.day, CreditEntry.minutes)
    )
    by_year: dict[int, int] = defaultdict(int)
    for day, minutes in removed:
        by_year[day.year] += minutes
    return by_year


def _keep_totals(record: ServiceRecord, old: dict[int, int], new: dict[int, int]) -> None:
    """Keep the year totals (the volunteer's, the activity's) equal to the ledger after the
    record's minutes per year went from `old` to `new`, and mark the reports they change."""
    years = sorted(old.keys() | new.keys())
    by_year = {year: new.get(year, 0) - old.get(year, 0) for year in years}
    _add_year_minutes(record.volunteer_id, by_year)
    _add_activity_minutes(record.activity_id, old, new)
    staleness.credit_changed(record.volunteer_id, years)  # one UPDATE; none without years


def _add_year_minutes(volunteer_id: int, by_year: dict[int, int]) -> None:
    """Add each year's change to the volunteer's year totals (nothing when nothing changed)."""
    gains = {year: minutes for year, minutes in by_year.items() if minutes > 0}
    if gains:
        _upsert_gains(
            YearMinutes,
            [YearMinutes.volunteer_id, YearMinutes.year],
            [
                {"volunteer_id": volunteer_id, "year": year, "minutes": minutes}
                for year, minutes in sorted(gains.items())
            ],
        )
    for year, minutes in by_year.items():
        if minutes < 0:  # a loss updates the row its earlier gain made (an upsert's new-row
            # candidate would be negative, which the CHECK refuses before any conflict)
            db.session.execute(
                update(YearMinutes)
                .where(YearMinutes.volunteer_id == volunteer_id, YearMinutes.year == year)
                .values(minutes=YearMinutes.minutes + minutes)
            )


def _add_activity_minutes(activity_id: int, old: dict[int, int], new: dict[int, int]) -> None:
    """Add one record's change per year to its activity's year totals: minutes, and a
    participation gained (0 -> more) or lost (more -> 0). A year's minutes and participations
    move the same way (both up or both down), so a change is a gain or a loss, never both."""
    gains, losses = [], []
    for year in sorted(old.keys() | new.keys()):
        before, after = old.get(year, 0), new.get(year, 0)
        change = {"minutes": after - before, "participations": (after > 0) - (before > 0)}
        if change["minutes"] > 0:
            gains.append({"activity_id": activity_id, "year": year, **change})
        elif change["minutes"] < 0:
            losses.append((year, change))
    if gains:
        _upsert_gains(
            ActivityYearMinutes, [ActivityYearMinutes.activity_id, ActivityYearMinutes.year], gains
        )
    for year, change in losses:
        db.session.execute(
            update(ActivityYearMinutes)
            .where(ActivityYearMinutes.activity_id == activity_id, ActivityYearMinutes.year == year)
            .values(
                minutes=ActivityYearMinutes.minutes + change["minutes"],
                participations=ActivityYearMinutes.participations + change["participations"],
            )
        )


def _upsert_gains(model: type, keys: list, rows: list[dict]) -> None:
    """Add positive figures to the totals rows named by `keys`, creating a row on its first
    minutes (PostgreSQL and SQLite both say ON CONFLICT DO UPDATE)."""
    key_names = tuple(key.key for key in keys)
    added = tuple(name for name in rows[0] if name not in key_names)
    statement = _gain_upsert(db.session.get_bind().dialect.name, model, key_names, added)
    db.session.execute(statement, rows[0] if len(rows) == 1 else rows)


# Built once per totals table and dialect and given its rows as parameters: building the
# statement at each check-out (two of them) cost more Python than the rest of the crediting.
# It names the table, not the model, so that a list of rows is a plain executemany rather
# than the ORM's bulk insert.
@functools.cache
def _gain_upsert(dialect: str, model: type, keys: tuple[str, ...], added: tuple[str, ...]):
    """INSERT INTO the model's table ... ON CONFLICT (keys) DO UPDATE adding `added`."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = dialect_insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={name: table.c[name] + statement.excluded[name] for name in added},
    )


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
