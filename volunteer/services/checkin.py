"""Scanning in and out: the rotating QR, the typed code and the kiosk.

First scan opens a record (check-in), the next closes it (check-out); a scan
within REPEAT_SCAN_WINDOW_SECONDS of the last one changes nothing. The
database's partial unique index (one OPEN record per volunteer) is the last
word on races: when two scans of the same volunteer insert at once, the
loser's insert fails inside a savepoint and it reports the winner's record.

A scan's token lives at most two steps (60 s by default), no longer than the
repeat window, so re-opening an old scan URL can never check someone out.
"""

import enum
import functools
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    aliased,
    contains_eager,
    join,
    joinedload,
    load_only,
    make_transient_to_detached,
)
from sqlalchemy.sql.dml import ReturningInsert

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    ActivityStatus,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
    User,
    Volunteer,
)
from volunteer.services import ledger, personal_codes, records, tokens
from volunteer.services.errors import ServiceError
from volunteer.services.sessions import SCAN_USER_COLUMNS


class ScanRefused(ServiceError):
    """A scan that was refused; the message tells the volunteer why (and `code` a machine)."""

    code = "scan_refused"


class LocationNeeded(ScanRefused):
    """The activity has a geofence and the phone sent no position."""

    code = "location_needed"


class Outcome(enum.StrEnum):
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    ALREADY_IN = "already_in"  # repeat within the window after checking in
    ALREADY_OUT = "already_out"  # repeat within the window after checking out


@dataclass(frozen=True)
class ScanResult:
    outcome: Outcome
    record: ServiceRecord
    activity: Activity

    @property
    def changed(self) -> bool:
        return self.outcome in (Outcome.CHECKED_IN, Outcome.CHECKED_OUT)


@dataclass(frozen=True)
class Position:
    """A phone's position, used for the geofence check and then forgotten."""

    latitude: float
    longitude: float


def _config(name: str) -> int:
    return int(current_app.config[name])


def checkin_opens(activity: Activity) -> datetime:
    return activity.starts_at - timedelta(minutes=_config("CHECKIN_OPENS_BEFORE_START_MINUTES"))


def checkin_closes(activity: Activity) -> datetime:
    return activity.ends_at + timedelta(minutes=_config("CHECKIN_CLOSES_AFTER_END_MINUTES"))


def checkout_closes(activity: Activity) -> datetime:
    """Check-out stays possible until the forgotten-check-out sweep would close the record."""
    return activity.ends_at + timedelta(minutes=_config("MISSING_CHECKOUT_GRACE_MINUTES"))


def distance_m(activity: Activity, position: Position) -> int:
    """Great-circle distance in metres from the activity's point (haversine)."""
    lat1, lon1 = math.radians(activity.latitude), math.radians(activity.longitude)
    lat2, lon2 = math.radians(position.latitude), math.radians(position.longitude)
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


def has_geofence(activity: Activity) -> bool:
    return activity.geofence_radius_m is not None


def _geofence(activity: Activity, position: Position | None) -> tuple[bool | None, int | None]:
    """(passed, distance) to store; refuses a scan outside the radius."""
    if not has_geofence(activity):
        return None, None
    if position is None:
        raise LocationNeeded(
            _l("This activity checks your location. Allow location access and scan again.")
        )
    distance = distance_m(activity, position)
    if distance > activity.geofence_radius_m:
        raise _too_far(distance, activity.geofence_radius_m)
    return True, distance


def _too_far(distance: int, radius: int) -> ScanRefused:
    return ScanRefused(
        _l(
            "You are %(distance)s m from the activity; scans are accepted within %(radius)s m.",
            distance=distance,
            radius=radius,
        ),
        code="outside_geofence",
    )


def open_record_of(volunteer: Volunteer) -> ServiceRecord | None:
    """The volunteer's open record at any activity (with its activity), if any."""
    return _open_record(volunteer.id)


def _open_record(volunteer_id: int) -> ServiceRecord | None:
    return db.session.scalar(
        select(ServiceRecord)
        .options(joinedload(ServiceRecord.activity))
        .where(
            ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.status == RecordStatus.OPEN
        )
    )


SCAN_SOURCES = (RecordSource.QR, RecordSource.CODE, RecordSource.KIOSK, RecordSource.OFFLINE_KIOSK)


# A scan's statements are built once per process and given values at each scan: their
# compiled SQL is cached either way, but building the expression and its cache key again
# cost a scan about as much as one more query.
def _scanned_out_lately() -> ColumnElement[bool]:
    """A scanned record of this activity checked out within the repeat window."""
    return and_(
        ServiceRecord.activity_id == bindparam("activity_id"),
        ServiceRecord.source.in_(SCAN_SOURCES),
        ServiceRecord.check_out_at > bindparam("out_after"),
    )


# The columns a scan reads or writes; the review columns are read on first use.
SCAN_RECORD_COLUMNS = (
    ServiceRecord.id,
    ServiceRecord.volunteer_id,
    ServiceRecord.activity_id,
    ServiceRecord.check_in_at,
    ServiceRecord.check_out_at,
    ServiceRecord.credited_minutes,
    ServiceRecord.source,
    ServiceRecord.check_out_source,
    ServiceRecord.status,
    ServiceRecord.geofence_passed,
    ServiceRecord.geofence_distance_m,
    ServiceRecord.created_by_id,
)


def _scan_state_of_volunteer(volunteer_id: ColumnElement[int]) -> ColumnElement[bool]:
    """The volunteer's open record anywhere, or a scanned check-out here within the window."""
    return and_(
        ServiceRecord.volunteer_id == volunteer_id,
        or_(ServiceRecord.status == RecordStatus.OPEN, _scanned_out_lately()),
    )


# The rows are a derived table locked inside the statement: PostgreSQL refuses FOR UPDATE on
# the nullable side of an outer join. The same statement locks the volunteer's row, the
# ledger's lock (ledger.lock_volunteer), which a check-out then needs: one round trip fewer.
def _locked_state(volunteer_id: ColumnElement[int]) -> type[ServiceRecord]:
    """The volunteer's records a scan works on, as a derived table locked where it is read."""
    return aliased(
        ServiceRecord,
        select(*SCAN_RECORD_COLUMNS)
        .where(_scan_state_of_volunteer(volunteer_id))
        .with_for_update()
        .subquery("scan_state"),
    )


def _locked_state_columns(state: type[ServiceRecord]):
    return load_only(*(getattr(state, column.key) for column in SCAN_RECORD_COLUMNS))


_LOCKED_STATE = _locked_state(bindparam("volunteer_id"))
_LOCKED_STATE_COLUMNS = _locked_state_columns(_LOCKED_STATE)
SCAN_STATE = (
    select(_LOCKED_STATE)
    .select_from(Volunteer)
    .outerjoin(_LOCKED_STATE, true())  # the volunteer's row, with no record if none
    .where(Volunteer.id == bindparam("volunteer_id"))
    .options(_LOCKED_STATE_COLUMNS)
    .with_for_update(of=Volunteer)
    .execution_options(populate_existing=True)
)


def _pick_state(
    rows: list[ServiceRecord],
) -> tuple[ServiceRecord | None, ServiceRecord | None]:
    """(the open record, the latest check-out) among the rows of a scan's locking read."""
    open_record = next((r for r in rows if r.status == RecordStatus.OPEN), None)
    closed = [r for r in rows if r.status != RecordStatus.OPEN and r.check_out_at is not None]
    return open_record, max(closed, key=lambda r: r.check_out_at, default=None)


def _state_values(volunteer_id: int, activity_id: int, now: datetime) -> dict:
    return {
        "volunteer_id": volunteer_id,
        "activity_id": activity_id,
        "out_after": now - _repeat_window(),
    }


# _scan_state reads, in one locked round trip, the rows a scan may change or report.
def _scan_state(
    volunteer_id: int, activity_id: int, now: datetime
) -> tuple[ServiceRecord | None, ServiceRecord | None]:
    """(the volunteer's open record anywhere, their check-out here within the repeat window)."""
    rows = db.session.scalars(SCAN_STATE, _state_values(volunteer_id, activity_id, now)).all()
    return _pick_state([record for record in rows if record is not None])


def _repeat_window() -> timedelta:
    return timedelta(seconds=_config("REPEAT_SCAN_WINDOW_SECONDS"))


def _require_running(activity: Activity, now: datetime, checking_out: bool) -> None:
    if activity.status == ActivityStatus.CANCELLED:
        raise ScanRefused(_l("This activity has been cancelled."), code="activity_cancelled")
    if activity.status != ActivityStatus.PUBLISHED:
        raise ScanRefused(_l("This activity is not published."), code="not_published")
    if now < checkin_opens(activity):
        raise ScanRefused(
            _l(
                "Check-in has not opened yet; it opens %(minutes)s minutes before the start.",
                minutes=_config("CHECKIN_OPENS_BEFORE_START_MINUTES"),
            ),
            code="not_open_yet",
        )
    closes = checkout_closes(activity) if checking_out else checkin_closes(activity)
    if now > closes:
        raise ScanRefused(_l("Check-in for this activity has closed."), code="outside_window")


def _require_signup(volunteer: Volunteer, activity: Activity) -> None:
    if not activity.signup_required:
        return
    signed_up = db.session.scalar(
        select(Signup.id).where(
            Signup.activity_id == activity.id,
            Signup.volunteer_id == volunteer.id,
            Signup.status == SignupStatus.SIGNED_UP,
        )
    )
    if signed_up is None:
        raise ScanRefused(
            _l("This activity requires sign-up, and you have not signed up."),
            code="signup_required",
        )


def scan(
    volunteer: Volunteer,
    activity: Activity,
    now: datetime,
    source: RecordSource,
    position: Position | None = None,
) -> ScanResult:
    """Check the volunteer in or out of the activity (the rules of DOMAIN.md)."""
    open_record, recent_out = _scan_state(volunteer.id, activity.id, now)
    return _scan_with_state(volunteer, activity, open_record, recent_out, now, source, position)


def _scan_with_state(
    volunteer: Volunteer,
    activity: Activity,
    open_record: ServiceRecord | None,
    recent_out: ServiceRecord | None,
    now: datetime,
    source: RecordSource,
    position: Position | None,
) -> ScanResult:
    """scan's rules, on the state its locking read found."""
    if open_record is not None and open_record.activity_id != activity.id:
        _close_forgotten_elsewhere(open_record, now)
        open_record = None
    if open_record is not None:
        if now - open_record.check_in_at < _repeat_window():
            return ScanResult(Outcome.ALREADY_IN, open_record, activity)
        _check_out(volunteer, activity, open_record, now, source, position)
        return ScanResult(Outcome.CHECKED_OUT, open_record, activity)
    if recent_out is not None and now - recent_out.check_out_at < _repeat_window():
        return ScanResult(Outcome.ALREADY_OUT, recent_out, activity)
    return _check_in(volunteer, activity, now, source, position)


def _still_checked_in_elsewhere(other: Activity) -> ScanRefused:
    return ScanRefused(
        _l("You are still checked in at “%(title)s”. Check out there first.", title=other.title),
        code="already_open_elsewhere",
    )


def _close_forgotten_elsewhere(open_record: ServiceRecord, now: datetime) -> None:
    """Close an open record elsewhere as missing check-out if it ended, else refuse the scan."""
    other = open_record.activity
    if other.ends_at >= now:
        raise _still_checked_in_elsewhere(other)
    reason = str(_l("Checked in at another activity without checking out."))
    records.close_as_missing_checkout(open_record, now, reason)


def _check_out(
    volunteer: Volunteer,
    activity: Activity,
    open_record: ServiceRecord,
    now: datetime,
    source: RecordSource,
    position: Position | None,
) -> None:
    """Close the open record here: credit its minutes and approve it."""
    _require_running(activity, now, checking_out=True)
    passed, distance = _geofence(activity, position)
    out_at = max(now, open_record.check_in_at)
    # A scan is never refused: it credits what no other record already credits (maybe 0).
    # The scan's state read took the volunteer's lock, as ledger.credit_now would.
    plan = ledger.plan_credit(open_record, open_record.check_in_at, out_at, activity)
    closed = {
        "check_out_at": out_at,
        "check_out_source": source,
        "status": RecordStatus.APPROVED,
        "credited_minutes": plan.minutes,
    }
    if passed is not None:
        closed["geofence_passed"] = passed
        closed["geofence_distance_m"] = max(distance, open_record.geofence_distance_m or 0)
    # The record and its credit in one go; the loaded record takes the values as stored, so
    # the answer page reads them and nothing is left to flush.
    ledger.close_with_credit(open_record, plan, closed)


def _check_in(
    volunteer: Volunteer,
    activity: Activity,
    now: datetime,
    source: RecordSource,
    position: Position | None,
) -> ScanResult:
    """Open a record here, unless a concurrent scan of the same volunteer won the race."""
    _require_running(activity, now, checking_out=False)
    _require_signup(volunteer, activity)
    passed, distance = _geofence(activity, position)
    record = _insert_open_record(
        {
            "volunteer_id": volunteer.id,
            "activity_id": activity.id,
            "check_in_at": now,
            "source": source,
            "status": RecordStatus.OPEN,
            "credited_minutes": 0,
            "geofence_passed": passed,
            "geofence_distance_m": distance,
            "created_at": now,
        }
    )
    if record is None:
        return _report_race_winner(volunteer, activity)
    return ScanResult(Outcome.CHECKED_IN, record, activity)


# Another scan of the same volunteer opened a record a moment earlier and the
# one-open-record index refused ours: report theirs.
def _report_race_winner(volunteer: Volunteer, activity: Activity) -> ScanResult:
    """The open record that won the race against this scan."""
    winner = _open_record(volunteer.id)
    if winner is None:  # it was closed again in between; let the caller retry
        raise ScanRefused(_l("Please scan again."), code="scan_again")
    if winner.activity_id != activity.id:
        raise _still_checked_in_elsewhere(winner.activity)
    return ScanResult(Outcome.ALREADY_IN, winner, activity)


OPEN_RECORD_PREDICATE = text("status = 'open'")  # as in models/records.py
NATIVE_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


# PostgreSQL and SQLite: INSERT ... ON CONFLICT DO NOTHING on the partial unique
# index, one round trip. Elsewhere: a savepoint, turning the IntegrityError into None.
def _insert_open_record(values: dict) -> ServiceRecord | None:
    """Insert an open record, or return None if the volunteer already has one."""
    dialect_insert = NATIVE_UPSERT.get(db.session.get_bind().dialect.name)
    if dialect_insert is None:
        return _insert_in_savepoint(values)
    db.session.flush()  # a table-level statement does not autoflush (a record closed elsewhere)
    record_id = db.session.execute(_upsert_open_record(dialect_insert), values).scalar()
    return None if record_id is None else _as_loaded(record_id, values)


# The insert names the table, not the model: the ORM's bulk insert returning a model cost a
# check-in twice the statement itself; the record is made from the values it was given.
@functools.cache  # built once per dialect, as SCAN_STATE is
def _upsert_open_record(dialect_insert) -> ReturningInsert:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the id, on the one-open-record index."""
    table = ServiceRecord.__table__
    return (
        dialect_insert(table)
        .on_conflict_do_nothing(
            index_elements=[table.c.volunteer_id],
            # The index's own predicate, literally: a bound parameter here would stop
            # PostgreSQL from matching the partial index.
            index_where=OPEN_RECORD_PREDICATE,
        )
        .returning(table.c.id)
    )


# The scan's columns (SCAN_RECORD_COLUMNS) an open record's insert leaves empty. Returning
# every column instead cost a check-in about 200 Python calls (the driver describes and
# converts each one); any column not given is read on first use, as after the state read.
EMPTY_WHEN_OPENED = {"check_out_at": None, "check_out_source": None, "created_by_id": None}


def _as_loaded(record_id: int, values: dict) -> ServiceRecord:
    """The inserted row as a record of the session, as if the scan's read had loaded it."""
    record = ServiceRecord(id=record_id, **EMPTY_WHEN_OPENED, **values)
    make_transient_to_detached(record)  # persistent once added, nothing left to flush
    db.session.add(record)
    return record


def _insert_in_savepoint(values: dict) -> ServiceRecord | None:
    """Insert an open record in a savepoint; None if the one-open-record index refuses it."""
    record = ServiceRecord(**values)
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        if _open_record(values["volunteer_id"]) is None:
            raise
        return None
    return record


# Only the columns a scan reads (its rules, token and answer page): the driver describes and
# converts each column of the row, and the other twelve were about 100 of a scan's 6,400 Python
# calls (bench/profile_scan.py). Any other column is read on first use (one more SELECT).
SCAN_COLUMNS = (
    Activity.id,
    Activity.title,
    Activity.starts_at,
    Activity.ends_at,
    Activity.status,
    Activity.latitude,
    Activity.longitude,
    Activity.geofence_radius_m,
    Activity.signup_required,
    Activity.static_qr_allowed,
    Activity.checkin_secret,
)


@dataclass(frozen=True)
class ScanTarget:
    """What a QR scan works on: the activity its URL names (None: no such activity) and the
    volunteer's records the scan may change or report, read and locked together."""

    activity: Activity | None
    open_record: ServiceRecord | None
    recent_out: ServiceRecord | None


# The activity and SCAN_STATE's locks in one round trip: a QR scan sent them as two of its
# five statements. The activity, which every scan at an event reads, is not locked.
ACTIVITY_AND_STATE = (
    select(Activity, _LOCKED_STATE)
    .select_from(
        join(Activity, Volunteer, Volunteer.id == bindparam("volunteer_id")).outerjoin(
            _LOCKED_STATE,
            true(),  # the activity, with no record if none
        )
    )
    .where(Activity.id == bindparam("activity_id"))
    .options(load_only(*SCAN_COLUMNS), _LOCKED_STATE_COLUMNS)
    .with_for_update(of=Volunteer)
    .execution_options(populate_existing=True)
)


def scan_target(volunteer: Volunteer, activity_id: int, now: datetime) -> ScanTarget:
    """The activity a scan URL names and the volunteer's records there, locked (one query)."""
    values = _state_values(volunteer.id, activity_id, now)
    rows = db.session.execute(ACTIVITY_AND_STATE, values).all()
    if not rows:
        return ScanTarget(None, None, None)
    records = [record for _activity, record in rows if record is not None]
    return ScanTarget(rows[0][0], *_pick_state(records))


# A signed-in scan reads the account its session names in the same statement (the user
# loader's own query was a fifth of a scan's CPU, bench/profile_scan.py): the volunteer is
# found by the account, so the records are found by a scalar subquery on the account's
# unique profile (SQLite has no LATERAL to correlate the locked derived table instead).
_SCANNER_STATE = _locked_state(
    select(Volunteer.id).where(Volunteer.user_id == bindparam("user_id")).scalar_subquery()
)
SCANNER_AND_TARGET = (
    select(User, Activity, _SCANNER_STATE)
    .join(User.volunteer)
    .outerjoin(Activity, Activity.id == bindparam("activity_id"))  # the account, activity or not
    .outerjoin(_SCANNER_STATE, true())
    .where(User.id == bindparam("user_id"), User.session_version == bindparam("session_version"))
    .options(
        load_only(*SCAN_USER_COLUMNS),
        contains_eager(User.volunteer).load_only(Volunteer.id, Volunteer.user_id),
        load_only(*SCAN_COLUMNS),
        _locked_state_columns(_SCANNER_STATE),
    )
    .with_for_update(of=Volunteer)
    .execution_options(populate_existing=True)
)


def scanner_and_target(
    user_id: int, session_version: int, activity_id: int, now: datetime
) -> tuple[User, ScanTarget] | None:
    """The account a session names, with its volunteer profile, and what its scan of the
    activity works on (as scan_target reads it), in one query; None when that session is
    stale or the account has no volunteer profile (nothing is locked then)."""
    values = {
        "user_id": user_id,
        "session_version": session_version,
        "activity_id": activity_id,
        "out_after": now - _repeat_window(),
    }
    rows = db.session.execute(SCANNER_AND_TARGET, values).all()
    if not rows:
        return None
    user, activity = rows[0][0], rows[0][1]
    records = [record for _user, _activity, record in rows if record is not None]
    return user, ScanTarget(activity, *_pick_state(records))


def _known(activity: Activity | None) -> Activity:
    if activity is None:
        raise ScanRefused(_l("This code does not belong to any activity."), code="unknown_activity")
    return activity


# verified_at: the scan URL was opened before signing in, so signing in does not
# make the token expire.
def scan_token(
    volunteer: Volunteer,
    activity_id: int,
    step: int,
    code: str,
    now: datetime,
    verified_at: datetime | None = None,
    position: Position | None = None,
    target: ScanTarget | None = None,
) -> ScanResult:
    """A scan of the screen's QR; `verified_at`: when the token was first seen fresh;
    `target`: what scan_target read for this volunteer, activity and `now`, if the caller
    needed the activity first (else it is read here)."""
    target = target or scan_target(volunteer, activity_id, now)
    activity = _known(target.activity)
    problem = tokens.check_token(activity, step, code, verified_at or now)
    if problem == tokens.TokenProblem.FORGED:
        raise ScanRefused(
            _l("This check-in code is not valid for this activity."), code="invalid_code"
        )
    if problem == tokens.TokenProblem.EXPIRED:
        raise ScanRefused(
            _l("This check-in code has expired. Scan the code on the screen again."),
            code="expired_code",
        )
    return _scan_with_state(
        volunteer, activity, target.open_record, target.recent_out, now, RecordSource.QR, position
    )


def activities_open_for_scans(now: datetime) -> list[Activity]:
    """Published activities whose scan window holds `now`."""
    opens_before = timedelta(minutes=_config("CHECKIN_OPENS_BEFORE_START_MINUTES"))
    grace = timedelta(minutes=_config("MISSING_CHECKOUT_GRACE_MINUTES"))
    return db.session.scalars(
        select(Activity).where(
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.starts_at <= now + opens_before,
            Activity.ends_at >= now - grace,
        )
    ).all()


ASCII_DIGITS = frozenset("0123456789")


def scan_code(
    volunteer: Volunteer, code: str, now: datetime, position: Position | None = None
) -> ScanResult:
    """The 6-digit code typed on the phone: matched among activities open for scans."""
    # NFKC turns full-width digits (a Chinese keyboard's １２３) into ASCII ones.
    code = "".join(ch for ch in unicodedata.normalize("NFKC", code or "") if ch in ASCII_DIGITS)
    if len(code) != 6:
        raise ScanRefused(_l("Enter the 6 digits shown on the screen."), code="malformed_code")
    activity = tokens.match_code(activities_open_for_scans(now), code, now)
    if activity is None:
        raise ScanRefused(
            _l("This code is wrong or has expired. Enter the code now shown on the screen."),
            code="wrong_or_expired_code",
        )
    return scan(volunteer, activity, now, RecordSource.CODE, position)


def volunteer_by_personal_code(raw: str) -> Volunteer | None:
    """The volunteer whose card or page shows this code (a scanner may add a prefix)."""
    return personal_codes.volunteer_for(raw)


PERSONAL_CODE_PREFIX = personal_codes.PREFIX


def personal_code_payload(volunteer: Volunteer) -> str:
    """What the personal QR code encodes (and what a USB scanner types)."""
    return personal_codes.payload(volunteer)


def kiosk_scan(activity: Activity, raw_code: str, actor: User, now: datetime) -> ScanResult:
    """The organizer's device scanned a volunteer's personal code."""
    result = scan(kiosk_volunteer(raw_code), activity, now, RecordSource.KIOSK)
    return scanned_by(result, actor.id)


def kiosk_volunteer(raw_code: str) -> Volunteer:
    """The volunteer a scanned personal code names, refused when unknown or disabled."""
    volunteer = volunteer_by_personal_code(raw_code)
    if volunteer is None:
        raise ScanRefused(
            _l("This personal code does not belong to any volunteer."),
            code="unknown_personal_code",
        )
    if not volunteer.user.active:
        raise ScanRefused(_l("This volunteer's account is disabled."), code="account_disabled")
    return volunteer


def scanned_by(result: ScanResult, user_id: int) -> ScanResult:
    """Keep who held the scanner on the record the scan opened or closed (first one wins)."""
    if result.changed:
        result.record.created_by_id = result.record.created_by_id or user_id
    return result


# ---- the organizer's screen ----


@dataclass(frozen=True)
class LiveStatus:
    checked_in: int
    checked_out: int
    present: list[tuple[str, str | None, datetime]]  # name, volunteer number, since


def live_status(activity: Activity, shown: int | None = None) -> LiveStatus:
    """Counts for the screen: who is in now (the latest `shown` of them, when given; none
    read for 0), and how many have checked out."""
    counts = dict(
        db.session.execute(
            select(ServiceRecord.status, func.count(func.distinct(ServiceRecord.volunteer_id)))
            .where(ServiceRecord.activity_id == activity.id)
            .where(ServiceRecord.source.in_(SCAN_SOURCES))
            .group_by(ServiceRecord.status)
        ).all()
    )
    return LiveStatus(
        checked_in=counts.get(RecordStatus.OPEN, 0),
        checked_out=counts.get(RecordStatus.APPROVED, 0),
        present=_present(activity, shown) if shown != 0 else [],
    )


def _present_at(activity: Activity) -> Select:
    """(record id, name, volunteer number, check-in time) of everyone checked in now."""
    return (
        select(ServiceRecord.id, User.name, Volunteer.volunteer_number, ServiceRecord.check_in_at)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .join(User, User.id == Volunteer.user_id)
        .where(ServiceRecord.activity_id == activity.id, ServiceRecord.status == RecordStatus.OPEN)
    )


def _present(activity: Activity, shown: int | None) -> list[tuple[str, str | None, datetime]]:
    """Name, volunteer number and check-in time of everyone checked in now (the latest `shown`,
    when given), latest first."""
    rows = db.session.execute(
        _present_at(activity)
        .order_by(ServiceRecord.check_in_at.desc(), ServiceRecord.id.desc())
        .limit(shown)
    ).all()
    return [(name, number, since) for _id, name, number, since in rows]


@dataclass(frozen=True)
class PresentPage:
    """A page of the people checked in at an activity, as an offline kiosk learns them."""

    people: list[tuple[str, str, datetime]]  # name, volunteer number, since
    next_after: int | None  # the last record of the page, when more may follow


def present_after(activity: Activity, after_record_id: int, size: int) -> PresentPage:
    """Up to `size` people checked in at the activity now, by record after `after_record_id`
    (a key, so pages neither skip nor repeat anyone while people come and go); only those
    with a volunteer number, which is how a kiosk recognises a personal code."""
    rows = db.session.execute(
        _present_at(activity)
        .where(ServiceRecord.id > after_record_id, Volunteer.volunteer_number.is_not(None))
        .order_by(ServiceRecord.id)
        .limit(size)
    ).all()
    people = [(name, number, since) for _id, name, number, since in rows]
    return PresentPage(people, rows[-1][0] if len(rows) == size else None)
