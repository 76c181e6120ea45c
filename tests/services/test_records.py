"""Forgotten check-outs, corrections, manual entries, claims, totals: nothing is deleted."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from volunteer.extensions import db
from volunteer.models import Adjustment, RecordSource, RecordStatus, ServiceRecord, utcnow
from volunteer.services import checkin, records
from volunteer.services.errors import ServiceError


@pytest.fixture
def team(app):
    return factories.make_organization()


@pytest.fixture
def organizer(team):
    return factories.make_organizer(team)


@pytest.fixture
def volunteer(app):
    return factories.make_volunteer("其其格")


@pytest.fixture
def ended(team):
    """An activity that ended three hours ago (past the two-hour grace)."""
    return factories.make_activity(team, starts_at=utcnow() - timedelta(hours=6), hours=3)


def test_a_forgotten_check_out_is_swept_to_missing_credited_zero(volunteer, ended):
    record = checkin.scan(volunteer, ended, ended.starts_at, RecordSource.QR).record
    assert records.is_stale(record, utcnow())
    assert records.close_stale(utcnow()) == 1
    assert record.status == RecordStatus.MISSING_CHECKOUT
    assert record.credited_minutes == 0
    (adjustment,) = record.adjustments
    assert (adjustment.before_status, adjustment.after_status) == ("open", "missing_checkout")
    assert adjustment.actor_id is None
    assert records.close_stale(utcnow()) == 0  # idempotent


def test_an_open_record_within_the_grace_is_left_alone(volunteer, team):
    just_ended = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=4), hours=3)
    record = checkin.scan(volunteer, just_ended, just_ended.starts_at, RecordSource.QR).record
    assert records.close_stale(utcnow()) == 0
    assert record.status == RecordStatus.OPEN


def test_the_organizer_sets_the_real_times_with_an_adjustment(volunteer, ended, organizer):
    record = checkin.scan(volunteer, ended, ended.starts_at, RecordSource.QR).record
    records.close_stale(utcnow())
    records.set_times(
        record,
        ended.starts_at,
        ended.starts_at + timedelta(minutes=150),
        "纸质签到表显示 11:30 离开",
        organizer,
        utcnow(),
    )
    assert record.status == RecordStatus.APPROVED
    assert record.credited_minutes == 150
    last = record.adjustments[-1]
    assert (last.before_minutes, last.after_minutes) == (0, 150)
    assert last.actor_id == organizer.id
    assert last.reason == "纸质签到表显示 11:30 离开"


def test_a_correction_needs_a_reason(volunteer, ended, organizer):
    record = factories.make_record(volunteer, ended, minutes=60)
    with pytest.raises(ServiceError, match="原因"):
        records.set_times(record, ended.starts_at, ended.ends_at, "  ", organizer, utcnow())


def test_a_backfill_cannot_be_longer_than_the_activity(volunteer, ended, organizer):
    with pytest.raises(ServiceError, match="不能超过"):
        records.add_manual_record(
            ended,
            volunteer,
            ended.starts_at - timedelta(hours=1),
            ended.ends_at,
            "纸质签到表",
            organizer,
            utcnow(),
        )


def test_a_manual_entry_counts_at_once_and_says_who_entered_it(volunteer, ended, organizer):
    record = records.add_manual_record(
        ended, volunteer, ended.starts_at, ended.ends_at, "纸质签到表第 3 行", organizer, utcnow()
    )
    assert record.source == RecordSource.MANUAL
    assert record.status == RecordStatus.APPROVED
    assert record.credited_minutes == 180
    assert record.created_by_id == organizer.id
    assert record.adjustments[0].after_minutes == 180


def test_a_claim_waits_then_is_approved_by_the_usual_rules(volunteer, ended, organizer):
    claim = records.submit_claim(
        volunteer,
        ended,
        ended.starts_at - timedelta(minutes=20),  # early arrival is not credited
        ended.starts_at + timedelta(minutes=100),
        "手机没电，没能扫码",
        utcnow(),
    )
    assert claim.status == RecordStatus.PENDING
    assert records.totals_for(volunteer, utcnow()).pending == 1
    assert records.totals_for(volunteer, utcnow()).all_minutes == 0
    records.approve_claim(claim, organizer, None, utcnow())
    assert claim.status == RecordStatus.APPROVED
    assert claim.credited_minutes == 100
    totals = records.totals_for(volunteer, utcnow())
    assert (totals.all_minutes, totals.pending) == (100, 0)


def test_a_rejection_needs_a_reason_and_keeps_the_record(volunteer, ended, organizer):
    claim = records.submit_claim(
        volunteer, ended, ended.starts_at, ended.ends_at, "忘记签到", utcnow()
    )
    with pytest.raises(ServiceError):
        records.reject_claim(claim, organizer, "", utcnow())
    records.reject_claim(claim, organizer, "签到表上没有您的名字", utcnow())
    assert claim.status == RecordStatus.REJECTED
    assert claim.review_note == "签到表上没有您的名字"
    assert db.session.scalar(select(func.count(ServiceRecord.id))) == 1
    assert db.session.scalar(select(func.count(Adjustment.id))) == 1
    with pytest.raises(ServiceError, match="已审核"):
        records.approve_claim(claim, organizer, None, utcnow())


def test_a_claim_for_the_future_is_refused(volunteer, team):
    upcoming = factories.make_activity(team, starts_at=utcnow() + timedelta(days=1))
    with pytest.raises(ServiceError):
        records.submit_claim(
            volunteer, upcoming, upcoming.starts_at, upcoming.ends_at, "提前申请", utcnow()
        )


def test_totals_split_this_year_from_all_time(volunteer, team):
    now = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    last_year = factories.make_activity(team, starts_at=datetime(2025, 12, 20, 1, 0, tzinfo=UTC))
    this_year = factories.make_activity(team, starts_at=datetime(2026, 2, 1, 1, 0, tzinfo=UTC))
    factories.make_record(volunteer, last_year, minutes=120)
    factories.make_record(volunteer, this_year, minutes=90)
    factories.make_record(
        volunteer,
        this_year,
        minutes=30,
        status=RecordStatus.REJECTED,
        check_in_at=this_year.starts_at + timedelta(hours=2),
    )
    totals = records.totals_for(volunteer, now)
    assert (totals.year_minutes, totals.all_minutes) == (90, 210)


def test_the_close_stale_command_sweeps(runner, volunteer, ended):
    record = checkin.scan(volunteer, ended, ended.starts_at, RecordSource.QR).record
    db.session.commit()
    result = runner.invoke(args=["records", "close-stale"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    db.session.refresh(record)
    assert record.status == RecordStatus.MISSING_CHECKOUT


def test_the_review_queue_holds_missing_and_pending_of_ones_organizations(volunteer, ended, team):
    other_team = factories.make_organization()
    elsewhere = factories.make_activity(other_team, starts_at=ended.starts_at)
    checkin.scan(volunteer, ended, ended.starts_at, RecordSource.QR)
    records.close_stale(utcnow())
    records.submit_claim(
        volunteer, elsewhere, elsewhere.starts_at, elsewhere.ends_at, "补录", utcnow()
    )
    mine = db.session.scalars(records.review_query({team.id})).all()
    assert [r.activity_id for r in mine] == [ended.id]
    assert len(db.session.scalars(records.review_query(None)).all()) == 2


def test_record_lists_load_volunteer_names_with_the_records(app, count_queries):
    team = factories.make_organization()
    activity = factories.make_activity(team)
    for number in range(5):
        factories.make_record(factories.make_volunteer(f"志愿者{number}"), activity)
    db.session.commit()
    activity = db.session.get(type(activity), activity.id)
    db.session.expunge_all()
    with count_queries() as counted:
        names = [r.volunteer.name for r in records.activity_record_page(activity, None).items]
        queued = db.session.scalars(records.review_query(None)).all()
    assert len(names) == 5 and queued == []
    assert counted.statements == 3  # a count and a page, then the queue: however many records
