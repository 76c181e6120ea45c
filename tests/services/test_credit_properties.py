"""Property tests of the credit ledger: random mixes of scans, sheets, claims, decisions and
corrections for one volunteer over New Year's Eve never credit a minute twice nor break a cap."""

import itertools
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import factories
from tests.ledger_support import assert_activity_totals_match
from volunteer.extensions import db
from volunteer.models import CreditEntry, RecordSource, RecordStatus, ServiceRecord, YearMinutes
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import checkin, corrections, hours, ledger, periods, records
from volunteer.services.certificates.content import gather_facts
from volunteer.services.compliance.scope import completed_volunteers
from volunteer.services.compliance.targets import targets_for
from volunteer.services.errors import ServiceError

NOW = datetime(2026, 3, 1, tzinfo=LOCAL_ZONE)
# (start, hours) in Beijing time: a night over New Year, a long day, an evening, a morning.
WINDOWS = [
    (datetime(2025, 12, 31, 20, tzinfo=LOCAL_ZONE), 7),
    (datetime(2026, 1, 1, 8, tzinfo=LOCAL_ZONE), 12),
    (datetime(2026, 1, 1, 18, tzinfo=LOCAL_ZONE), 8),
    (datetime(2026, 1, 2, 0, tzinfo=LOCAL_ZONE), 10),
]

stretch = st.tuples(
    st.integers(0, len(WINDOWS) - 1), st.integers(-40, 11 * 60), st.integers(2, 12 * 60)
)
operation = st.one_of(
    st.tuples(st.just("scan"), stretch),
    st.tuples(st.just("sheet"), stretch),
    st.tuples(st.sampled_from(["claim_approved", "claim_rejected"]), stretch),
    st.tuples(st.just("correct"), stretch),
)


@pytest.fixture
def world(app):
    team = factories.make_organization()
    activities = [factories.make_activity(team, starts_at=s, hours=h) for s, h in WINDOWS]
    return team, factories.make_organizer(team), activities


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operation, min_size=1, max_size=8))
# A whole long day, then the evening beyond it: 960 minutes on 1 January against a 720 cap.
@example([("scan", (1, 0, 720)), ("claim_approved", (2, 0, 480))])
# The same morning three ways: scan, paper sheet, claim.
@example([("scan", (1, 0, 180)), ("sheet", (1, 0, 180)), ("claim_approved", (1, 0, 180))])
def test_random_histories_keep_every_rule(world, operations):
    _team, organizer, activities = world
    volunteer = factories.make_volunteer()
    for kind, (index, offset, minutes) in operations:
        activity = activities[index]
        check_in = activity.starts_at + timedelta(minutes=offset)
        check_out = min(
            check_in + timedelta(minutes=minutes), activity.ends_at + timedelta(hours=1)
        )
        try:
            with db.session.begin_nested():
                ACTIONS[kind](volunteer, organizer, activity, check_in, check_out)
        except ServiceError:
            pass  # refused and rolled back, as a view would
    _assert_rules(volunteer)


def _scan(volunteer, _organizer, activity, check_in, check_out):
    first = checkin.scan(volunteer, activity, check_in, RecordSource.QR)
    if first.record.status == RecordStatus.OPEN:
        checkin.scan(
            volunteer, activity, max(check_out, check_in + timedelta(minutes=2)), RecordSource.KIOSK
        )


def _sheet(volunteer, organizer, activity, check_in, check_out):
    records.add_manual_record(
        activity, volunteer, check_in, check_out, "纸质签到表", organizer, NOW
    )


def _claim(approve):
    def act(volunteer, organizer, activity, check_in, check_out):
        claim = records.submit_claim(volunteer, activity, check_in, check_out, "补录", NOW)
        if approve:
            records.approve_claim(claim, organizer, None, NOW)
        else:
            records.reject_claim(claim, organizer, "当天未到", NOW)

    return act


def _correct(volunteer, organizer, activity, check_in, check_out):
    record = db.session.scalar(
        select(ServiceRecord)
        .where(ServiceRecord.volunteer_id == volunteer.id, ServiceRecord.activity_id == activity.id)
        .where(ServiceRecord.status.in_(corrections.CORRECTABLE))
        .order_by(ServiceRecord.id)
    )
    if record is not None:
        request = corrections.request_correction(
            record, volunteer, check_in, check_out, "时间记错了", NOW
        )
        corrections.approve_correction(request, organizer, None, NOW)


ACTIONS = {
    "scan": _scan,
    "sheet": _sheet,
    "claim_approved": _claim(True),
    "claim_rejected": _claim(False),
    "correct": _correct,
}


def _assert_rules(volunteer):
    pieces = db.session.scalars(
        select(CreditEntry)
        .where(CreditEntry.volunteer_id == volunteer.id)
        .order_by(CreditEntry.starts_at)
    ).all()
    total = sum(piece.minutes for piece in pieces)
    _assert_days_within_cap(pieces)
    _assert_no_minute_twice(volunteer, pieces, total)
    _assert_periods_add_up(volunteer, total)
    _assert_readers_agree(volunteer)
    _assert_year_totals_match(volunteer, pieces)
    assert_activity_totals_match()


def _assert_year_totals_match(volunteer, pieces):
    """The year totals kept on write equal the ledger's sums, year by year."""
    ledger_years: dict[int, int] = {}
    for piece in pieces:
        ledger_years[piece.day.year] = ledger_years.get(piece.day.year, 0) + piece.minutes
    kept = dict(
        db.session.execute(
            select(YearMinutes.year, YearMinutes.minutes).where(
                YearMinutes.volunteer_id == volunteer.id
            )
        ).all()
    )
    assert {year: m for year, m in kept.items() if m} == {
        year: m for year, m in ledger_years.items() if m
    }


def _assert_days_within_cap(pieces):
    by_day: dict[date, int] = {}
    for piece in pieces:
        assert hours.local_day(piece.starts_at) == piece.day
        assert piece.ends_at <= hours.next_local_midnight(piece.starts_at)
        by_day[piece.day] = by_day.get(piece.day, 0) + piece.minutes
    assert all(minutes <= 12 * 60 for minutes in by_day.values())


def _assert_no_minute_twice(volunteer, pieces, total):
    for earlier, later in itertools.pairwise(pieces):
        assert earlier.ends_at <= later.starts_at
    approved = db.session.scalars(
        select(ServiceRecord).where(
            ServiceRecord.volunteer_id == volunteer.id,
            ServiceRecord.status == RecordStatus.APPROVED,
        )
    ).all()
    windows = [hours.credit_window(r.check_in_at, r.check_out_at, r.activity, 0) for r in approved]
    assert total <= hours.measure_minutes(w for w in windows if w is not None)
    for record in approved:
        assert record.credited_minutes == sum(p.minutes for p in pieces if p.record_id == record.id)


def _assert_periods_add_up(volunteer, total):
    years = [ledger.minutes_in(periods.year_period(y), volunteer.id) for y in (2025, 2026)]
    assert sum(years) == total == ledger.minutes_in(None, volunteer.id)


def _assert_readers_agree(volunteer):
    year = periods.year_period(2026)
    minutes = ledger.minutes_in(year, volunteer.id)
    assert records.totals_for(volunteer, NOW).year_minutes == minutes
    assert gather_facts([volunteer.id], year, None)[volunteer.id].total_minutes == minutes
    targets = targets_for(2026)
    for needed, counted in ((max(minutes, 1), minutes > 0), (minutes + 1, False)):
        completed = completed_volunteers(year, replace(targets, min_minutes=needed))
        ids = db.session.scalars(completed).all()
        assert (volunteer.id in ids) == counted
