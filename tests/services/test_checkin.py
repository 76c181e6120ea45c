"""Check-in and check-out rules at the service level: tokens, scans, windows, races, geofence."""

from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.certificate_support import this_year_moment
from volunteer.extensions import db
from volunteer.models import (
    RecordSource,
    RecordStatus,
    ServiceRecord,
    utcnow,
)
from volunteer.services import checkin, tokens
from volunteer.services.checkin import Outcome, Position, ScanRefused


@pytest.fixture
def team(app):
    return factories.make_organization("嘎鲁图镇志愿服务队")


@pytest.fixture
def activity(team):
    # Started an hour ago, ends in two hours.
    return factories.make_activity(team, starts_at=utcnow() - timedelta(hours=1), hours=3)


@pytest.fixture
def volunteer(app):
    return factories.make_volunteer("巴特尔")


def _scan_token(volunteer, activity, now, step=None, code=None):
    step = tokens.step_at(now) if step is None else step
    code = tokens.code_for(activity, step) if code is None else code
    return checkin.scan_token(volunteer, activity.id, step, code, now)


# ---- tokens ----


def test_the_current_and_the_previous_code_are_accepted(volunteer, activity):
    now = utcnow()
    assert _scan_token(volunteer, activity, now).outcome == Outcome.CHECKED_IN
    later = now + timedelta(minutes=5)
    previous = tokens.step_at(later) - 1
    assert _scan_token(volunteer, activity, later, step=previous).outcome == Outcome.CHECKED_OUT


def test_a_code_two_steps_old_has_expired(volunteer, activity):
    now = utcnow()
    with pytest.raises(ScanRefused, match="已过期"):
        _scan_token(volunteer, activity, now, step=tokens.step_at(now) - 2)


def test_a_made_up_code_is_refused_as_forged(volunteer, activity):
    now = utcnow()
    genuine = tokens.code_for(activity, tokens.step_at(now))
    forged = f"{(int(genuine) + 1) % 1_000_000:06d}"
    with pytest.raises(ScanRefused, match="无效"):
        _scan_token(volunteer, activity, now, code=forged)


def test_a_code_from_the_future_is_refused(volunteer, activity):
    now = utcnow()
    with pytest.raises(ScanRefused, match="无效"):
        _scan_token(volunteer, activity, now, step=tokens.step_at(now) + 3)


def test_another_activitys_code_is_refused(volunteer, activity, team):
    other = factories.make_activity(team, starts_at=activity.starts_at, title="另一个活动")
    now = utcnow()
    step = tokens.step_at(now)
    with pytest.raises(ScanRefused, match="无效"):
        checkin.scan_token(volunteer, activity.id, step, tokens.code_for(other, step), now)


def test_codes_depend_on_the_app_secret_and_the_activity_secret(app, activity):
    step = 123456
    before = tokens.code_for(activity, step)
    activity.checkin_secret = "another-secret"
    assert tokens.code_for(activity, step) != before
    activity_secret_code = tokens.code_for(activity, step)
    app.config["SECRET_KEY"] = "another-app-secret"
    assert tokens.code_for(activity, step) != activity_secret_code


def test_check_in_opens_30_minutes_before_the_start(volunteer, team):
    soon = factories.make_activity(team, starts_at=utcnow() + timedelta(minutes=45))
    with pytest.raises(ScanRefused, match="尚未开始"):
        _scan_token(volunteer, soon, utcnow())
    result = _scan_token(volunteer, soon, soon.starts_at - timedelta(minutes=29))
    assert result.outcome == Outcome.CHECKED_IN


def test_check_in_closes_at_the_end(volunteer, activity):
    after_end = activity.ends_at + timedelta(minutes=1)
    with pytest.raises(ScanRefused, match="已结束"):
        _scan_token(volunteer, activity, after_end)


def test_the_typed_code_finds_its_activity(volunteer, activity):
    now = utcnow()
    code = tokens.code_for(activity, tokens.step_at(now))
    result = checkin.scan_code(volunteer, f"{code[:3]} {code[3:]}", now)
    assert result.outcome == Outcome.CHECKED_IN
    assert result.record.source == RecordSource.CODE
    with pytest.raises(ScanRefused, match="6 位"):
        checkin.scan_code(volunteer, "12345", now)


def test_a_code_typed_in_full_width_digits_counts_as_the_same_code(volunteer, activity):
    now = utcnow()
    code = tokens.code_for(activity, tokens.step_at(now))
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in code)  # "１２３４５６"
    assert checkin.scan_code(volunteer, full_width, now).outcome == Outcome.CHECKED_IN


def test_a_non_ascii_code_in_a_scan_url_is_refused_as_forged(volunteer, activity):
    now = utcnow()
    with pytest.raises(ScanRefused):
        _scan_token(volunteer, activity, now, code="１２３４５６")


# ---- first in, next out, repeats ----


def test_first_scan_checks_in_a_repeat_changes_nothing_the_next_checks_out(volunteer, team):
    # At noon in Beijing: the 90 minutes stay in one day, whatever time the suite runs.
    activity = factories.make_activity(team, starts_at=this_year_moment(), hours=3)
    t0 = activity.starts_at + timedelta(minutes=10)
    first = checkin.scan(volunteer, activity, t0, RecordSource.QR)
    assert first.outcome == Outcome.CHECKED_IN
    repeat = checkin.scan(volunteer, activity, t0 + timedelta(seconds=59), RecordSource.QR)
    assert repeat.outcome == Outcome.ALREADY_IN
    assert repeat.record.id == first.record.id
    assert repeat.record.status == RecordStatus.OPEN
    out = checkin.scan(volunteer, activity, t0 + timedelta(minutes=90), RecordSource.QR)
    assert out.outcome == Outcome.CHECKED_OUT
    assert out.record.credited_minutes == 90
    assert out.record.status == RecordStatus.APPROVED
    db.session.expire(out.record)  # as stored, not only as the answer page shows it
    assert (out.record.credited_minutes, out.record.status) == (90, RecordStatus.APPROVED)
    assert out.record.check_out_at == t0 + timedelta(minutes=90)
    assert out.record.check_out_source == RecordSource.QR
    again = checkin.scan(
        volunteer, activity, t0 + timedelta(minutes=90, seconds=30), RecordSource.QR
    )
    assert again.outcome == Outcome.ALREADY_OUT
    assert db.session.scalar(select(func.count(ServiceRecord.id))) == 1


def test_the_repeat_window_is_configurable(app, volunteer, activity):
    app.config["REPEAT_SCAN_WINDOW_SECONDS"] = 300
    t0 = activity.starts_at + timedelta(minutes=10)
    checkin.scan(volunteer, activity, t0, RecordSource.QR)
    assert checkin.scan(
        volunteer, activity, t0 + timedelta(minutes=4), RecordSource.QR
    ).outcome == (Outcome.ALREADY_IN)


def test_the_signed_in_scanners_read_brings_their_profile_the_activity_and_their_records(
    volunteer, activity, team
):
    now = utcnow()
    record = _scan_token(volunteer, activity, now).record
    other = factories.make_activity(team, starts_at=now - timedelta(minutes=30), hours=2)
    db.session.commit()
    user_id, version, volunteer_id = volunteer.user_id, volunteer.user.session_version, volunteer.id
    record_id, other_id = record.id, other.id
    db.session.expunge_all()  # what the query loads, not what the test left in the session
    user, target = checkin.scanner_and_target(user_id, version, other_id, now)
    assert user.id == user_id and user.volunteer.id == volunteer_id
    assert target.activity.id == other_id and target.open_record.id == record_id
    assert target.recent_out is None
    _user, unknown = checkin.scanner_and_target(user_id, version, 10**6, now)
    assert unknown.activity is None and unknown.open_record.id == record_id


def test_the_signed_in_scanners_read_finds_nobody_for_a_stale_session_or_a_staff_account(
    volunteer, activity
):
    staff = factories.make_admin()  # an account with no volunteer profile
    db.session.commit()
    now = utcnow()
    version = volunteer.user.session_version
    assert checkin.scanner_and_target(volunteer.user_id, version + 1, activity.id, now) is None
    assert checkin.scanner_and_target(staff.id, staff.session_version, activity.id, now) is None


def test_one_open_record_per_volunteer_across_activities(volunteer, activity, team):
    parallel = factories.make_activity(team, starts_at=activity.starts_at, title="同时进行的活动")
    checkin.scan(volunteer, activity, utcnow(), RecordSource.QR)
    with pytest.raises(ScanRefused, match="仍在"):
        checkin.scan(volunteer, parallel, utcnow(), RecordSource.QR)


def test_the_database_itself_refuses_a_second_open_record(volunteer, activity, team):
    other = factories.make_activity(team, title="另一个活动")
    for target in (activity, other):
        db.session.add(
            ServiceRecord(
                volunteer_id=volunteer.id,
                activity_id=target.id,
                check_in_at=utcnow(),
                source=RecordSource.QR,
                status=RecordStatus.OPEN,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_lost_race_reports_the_winners_record_instead_of_failing(
    volunteer, activity, monkeypatch
):
    # The winner's record is committed between our read and our insert.
    winner = checkin.scan(volunteer, activity, utcnow(), RecordSource.QR).record
    monkeypatch.setattr(checkin, "_scan_state", lambda *args: (None, None))
    result = checkin.scan(volunteer, activity, utcnow(), RecordSource.CODE)
    assert result.outcome == Outcome.ALREADY_IN
    assert result.record.id == winner.id
    assert db.session.scalar(select(func.count(ServiceRecord.id))) == 1


def test_without_a_native_upsert_the_integrity_error_is_turned_into_the_winners_record(
    volunteer, activity, monkeypatch
):
    winner = checkin.scan(volunteer, activity, utcnow(), RecordSource.QR).record
    monkeypatch.setattr(checkin, "NATIVE_UPSERT", {})  # the savepoint path
    monkeypatch.setattr(checkin, "_scan_state", lambda *args: (None, None))
    result = checkin.scan(volunteer, activity, utcnow(), RecordSource.QR)
    assert (result.outcome, result.record.id) == (Outcome.ALREADY_IN, winner.id)
    assert db.session.scalar(select(func.count(ServiceRecord.id))) == 1


def test_a_forgotten_record_at_an_ended_activity_is_closed_as_missing_when_checking_in_elsewhere(
    volunteer, team
):
    morning = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=4), hours=3)
    afternoon = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=10))
    forgotten = checkin.scan(volunteer, morning, morning.starts_at, RecordSource.QR).record
    result = checkin.scan(volunteer, afternoon, utcnow(), RecordSource.QR)
    assert result.outcome == Outcome.CHECKED_IN
    assert forgotten.status == RecordStatus.MISSING_CHECKOUT
    assert forgotten.credited_minutes == 0
    assert len(forgotten.adjustments) == 1


def test_a_cancelled_activity_refuses_scans(volunteer, activity):
    from volunteer.models import ActivityStatus

    activity.status = ActivityStatus.CANCELLED
    with pytest.raises(ScanRefused, match="已取消"):
        checkin.scan(volunteer, activity, utcnow(), RecordSource.QR)


def test_sign_up_is_needed_when_the_activity_requires_it(volunteer, activity):
    activity.signup_required = True
    with pytest.raises(ScanRefused, match="报名"):
        checkin.scan(volunteer, activity, utcnow(), RecordSource.QR)
    factories.make_signup(volunteer, activity)
    assert checkin.scan(volunteer, activity, utcnow(), RecordSource.QR).changed


# ---- geofence ----


def _fenced(activity):
    activity.latitude, activity.longitude, activity.geofence_radius_m = 38.5960, 108.8420, 200
    return activity


def test_a_scan_outside_the_geofence_is_refused_with_the_distance(volunteer, activity):
    _fenced(activity)
    far = Position(38.6050, 108.8420)  # about 1 km north
    with pytest.raises(ScanRefused) as refused:
        checkin.scan(volunteer, activity, utcnow(), RecordSource.QR, far)
    assert "1001" in refused.value.message or "1000" in refused.value.message
    assert "200" in refused.value.message


def test_a_scan_inside_the_geofence_keeps_only_pass_and_distance(volunteer, activity):
    _fenced(activity)
    near = Position(38.5965, 108.8420)  # about 56 m
    record = checkin.scan(volunteer, activity, utcnow(), RecordSource.QR, near).record
    assert record.geofence_passed is True
    assert 50 <= record.geofence_distance_m <= 60
    stored = {column.name for column in ServiceRecord.__table__.columns}
    assert not {"latitude", "longitude"} & stored


def test_a_check_out_keeps_the_farther_of_the_two_distances(volunteer, activity):
    _fenced(activity)
    now = utcnow()
    checkin.scan(volunteer, activity, now, RecordSource.QR, Position(38.5965, 108.8420))
    later = now + timedelta(minutes=30)
    out = checkin.scan(volunteer, activity, later, RecordSource.QR, Position(38.5970, 108.8420))
    assert out.outcome == Outcome.CHECKED_OUT
    db.session.expire(out.record)  # as stored
    assert out.record.geofence_passed is True
    assert 105 <= out.record.geofence_distance_m <= 115


def test_a_fenced_activity_needs_the_position(volunteer, activity):
    _fenced(activity)
    with pytest.raises(checkin.LocationNeeded):
        checkin.scan(volunteer, activity, utcnow(), RecordSource.QR)


# ---- kiosk ----


def test_the_kiosk_checks_a_volunteer_in_by_personal_code(volunteer, activity, team):
    organizer = factories.make_organizer(team)
    payload = checkin.personal_code_payload(volunteer)
    result = checkin.kiosk_scan(activity, payload, organizer, utcnow())
    assert result.outcome == Outcome.CHECKED_IN
    assert result.record.source == RecordSource.KIOSK
    assert result.record.volunteer_id == volunteer.id
    # A scanner that drops the prefix still works.
    bare = checkin.kiosk_scan(activity, volunteer.personal_code, organizer, utcnow())
    assert bare.outcome == Outcome.ALREADY_IN
    with pytest.raises(ScanRefused, match="不属于"):
        checkin.kiosk_scan(activity, "WSV:nobody", organizer, utcnow())


def test_a_check_in_record_is_the_stored_row_and_keeps_who_held_the_scanner(
    volunteer, activity, team
):
    """The check-in's INSERT names the table: its record must still be the session's own,
    as stored, so the kiosk's scanner and a check-out are written by the next flush."""
    organizer = factories.make_organizer(team)
    now = utcnow()
    record = checkin.kiosk_scan(activity, volunteer.personal_code, organizer, now).record
    assert inspect(record).persistent and record in db.session
    assert (record.check_in_at, record.status, record.note) == (now, RecordStatus.OPEN, None)
    db.session.commit()
    later = now + timedelta(minutes=5)
    assert checkin.scan(volunteer, activity, later, RecordSource.QR).record is record
    db.session.commit()
    stored = db.session.execute(
        select(ServiceRecord.created_by_id, ServiceRecord.check_out_at, ServiceRecord.status)
    ).one()
    assert tuple(stored) == (organizer.id, later, RecordStatus.APPROVED)


def test_the_present_pages_follow_the_records_and_neither_skip_nor_repeat_anyone(activity):
    people = [factories.make_volunteer(f"志愿者{i}") for i in range(5)]
    t0 = activity.starts_at + timedelta(minutes=5)
    for person in people:
        checkin.scan(person, activity, t0, RecordSource.QR)
    first = checkin.present_after(activity, 0, 2)
    assert [name for name, _number, _since in first.people] == ["志愿者0", "志愿者1"]
    # Between pages one of the first page leaves and one of the next page leaves.
    checkin.scan(people[0], activity, t0 + timedelta(minutes=30), RecordSource.QR)
    checkin.scan(people[3], activity, t0 + timedelta(minutes=30), RecordSource.QR)
    second = checkin.present_after(activity, first.next_after, 2)
    assert [name for name, _number, _since in second.people] == ["志愿者2", "志愿者4"]
    assert checkin.present_after(activity, second.next_after, 2).people == []
    assert checkin.present_after(activity, 0, 10).next_after is None  # a short page is the last


def test_live_status_counts_who_is_in_and_who_has_left(activity):
    people = [factories.make_volunteer(f"志愿者{i}") for i in range(3)]
    t0 = activity.starts_at + timedelta(minutes=5)
    for person in people:
        checkin.scan(person, activity, t0, RecordSource.QR)
    checkin.scan(people[0], activity, t0 + timedelta(minutes=30), RecordSource.QR)
    status = checkin.live_status(activity)
    assert (status.checked_in, status.checked_out) == (2, 1)
    assert {name for name, _number, _since in status.present} == {"志愿者1", "志愿者2"}
    assert checkin.live_status(activity, shown=0).present == []  # counts only
