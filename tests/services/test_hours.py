"""Credited minutes: overlap with the activity, rounding step, daily cap, grace."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from volunteer.models import RecordSource
from volunteer.services import checkin, ledger

# 2026-06-01 09:00-12:00 in Beijing is 01:00-04:00 UTC.
START = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def activity(app):
    team = factories.make_organization()
    return factories.make_activity(team, starts_at=START, hours=3)


@pytest.fixture
def volunteer(app):
    return factories.make_volunteer()


def minutes(volunteer, activity, start_offset, end_offset):
    return ledger.minutes_for_new(
        volunteer.id,
        activity,
        START + timedelta(minutes=start_offset),
        START + timedelta(minutes=end_offset),
    )


def test_arriving_early_and_staying_late_earn_nothing_extra(volunteer, activity):
    assert minutes(volunteer, activity, -30, 200) == 180


def test_only_the_overlap_counts(volunteer, activity):
    assert minutes(volunteer, activity, 30, 75) == 45
    assert minutes(volunteer, activity, 190, 220) == 0


def test_seconds_are_dropped_to_whole_minutes(volunteer, activity):
    check_in = START + timedelta(minutes=10, seconds=20)
    check_out = START + timedelta(minutes=40, seconds=10)
    assert ledger.minutes_for_new(volunteer.id, activity, check_in, check_out) == 29


def test_the_rounding_step_floors(app, volunteer, activity):
    app.config["CREDIT_ROUNDING_STEP_MINUTES"] = 15
    assert minutes(volunteer, activity, 0, 44) == 30
    assert minutes(volunteer, activity, 0, 45) == 45


def test_grace_widens_the_window(app, volunteer, activity):
    app.config["CREDIT_GRACE_MINUTES"] = 10
    assert minutes(volunteer, activity, -30, 200) == 200


def test_the_daily_cap_counts_everything_approved_that_local_day(app, volunteer):
    app.config["DAILY_CAP_MINUTES"] = 240
    team = factories.make_organization()
    morning = factories.make_activity(team, starts_at=START, hours=3)
    afternoon = factories.make_activity(team, starts_at=START + timedelta(hours=5), hours=3)
    checkin.scan(volunteer, morning, START, RecordSource.QR)
    first = checkin.scan(volunteer, morning, START + timedelta(hours=3), RecordSource.QR)
    assert first.record.credited_minutes == 180
    checkin.scan(volunteer, afternoon, afternoon.starts_at, RecordSource.QR)
    second = checkin.scan(volunteer, afternoon, afternoon.ends_at, RecordSource.QR)
    assert second.record.credited_minutes == 60  # 240 - 180


def test_the_daily_cap_is_per_beijing_day_not_utc_day(app, volunteer):
    app.config["DAILY_CAP_MINUTES"] = 120
    team = factories.make_organization()
    # 23:00-01:00 UTC of one UTC day-break is 07:00-09:00 Beijing: one Beijing day.
    late = factories.make_activity(team, starts_at=datetime(2026, 6, 1, 20, 0, tzinfo=UTC), hours=2)
    early = factories.make_activity(team, starts_at=datetime(2026, 6, 2, 0, 0, tzinfo=UTC), hours=2)
    factories.make_record(volunteer, late, minutes=120)  # 04:00-06:00 Beijing, June 2
    assert ledger.minutes_for_new(volunteer.id, early, early.starts_at, early.ends_at) == 0


def test_the_default_cap_is_twelve_hours(app, volunteer):
    team = factories.make_organization()
    marathon = factories.make_activity(team, starts_at=START, hours=14)
    assert ledger.minutes_for_new(volunteer.id, marathon, START, marathon.ends_at) == 12 * 60
