"""No minute twice: the credit ledger's named scenarios (DOMAIN.md "No minute twice")."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy.dialects import postgresql

from tests import certificate_support, factories
from volunteer.models import RecordSource, RecordStatus
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import certificates, checkin, hours, ledger, periods, records
from volunteer.services.errors import ServiceError

LATER = datetime(2026, 11, 1, tzinfo=LOCAL_ZONE)


def beijing(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE)


@pytest.fixture
def team(app):
    return factories.make_organization()


@pytest.fixture
def organizer(team):
    return factories.make_organizer(team)


@pytest.fixture
def volunteer(app):
    return factories.make_volunteer("其其格")


def scanned(volunteer, activity, check_in, check_out):
    checkin.scan(volunteer, activity, check_in, RecordSource.QR)
    return checkin.scan(volunteer, activity, check_out, RecordSource.QR).record


def all_time(volunteer) -> int:
    return ledger.minutes_in(None, volunteer.id)


def test_a_claim_of_the_same_scanned_morning_is_refused_and_180_stay_credited(
    volunteer, team, organizer
):
    morning = factories.make_activity(team, starts_at=beijing(6, 1, 9), hours=3)
    assert scanned(volunteer, morning, beijing(6, 1, 9), beijing(6, 1, 12)).credited_minutes == 180
    claim = records.submit_claim(
        volunteer, morning, beijing(6, 1, 9), beijing(6, 1, 12), "扫码失败", LATER
    )
    with pytest.raises(ServiceError, match="0") as refused:
        records.approve_claim(claim, organizer, None, LATER)
    assert refused.value.code == "credits_nothing"
    assert all_time(volunteer) == 180


def test_a_paper_sheet_over_a_150_minute_scan_adds_only_the_last_half_hour(
    volunteer, team, organizer
):
    morning = factories.make_activity(team, starts_at=beijing(6, 2, 9), hours=3)
    scanned(volunteer, morning, beijing(6, 2, 9), beijing(6, 2, 11, 30))
    sheet = records.add_manual_record(
        morning, volunteer, beijing(6, 2, 9), beijing(6, 2, 12), "纸质签到表", organizer, LATER
    )
    assert sheet.credited_minutes == 30
    assert all_time(volunteer) == 180


def test_a_night_shift_credits_each_beijing_day_its_own_part_within_the_cap(
    volunteer, team, organizer
):
    night = factories.make_activity(team, starts_at=beijing(6, 14, 22), hours=8)
    day = factories.make_activity(team, starts_at=beijing(6, 15, 8), hours=9)
    scanned(volunteer, night, beijing(6, 14, 22), beijing(6, 15, 6))
    scanned(volunteer, day, beijing(6, 15, 8), beijing(6, 15, 17))
    june_14 = periods.date_range(date(2026, 6, 14), date(2026, 6, 14))
    june_15 = periods.date_range(date(2026, 6, 15), date(2026, 6, 15))
    assert ledger.minutes_in(june_14, volunteer.id) == 120
    assert ledger.minutes_in(june_15, volunteer.id) == 720  # 360 + 540 capped at 12 h


def test_a_claim_outside_its_activity_window_is_refused_at_submission(volunteer, team):
    morning = factories.make_activity(team, starts_at=beijing(6, 3, 9), hours=3)
    with pytest.raises(ServiceError, match="09:00") as refused:
        records.submit_claim(
            volunteer, morning, beijing(6, 3, 14), beijing(6, 3, 16), "下午也在", LATER
        )
    assert refused.value.code == "outside_activity"


def test_no_certificate_for_a_period_without_credited_time(volunteer, team):
    certificate_support.set_issuer()
    factories.make_record(volunteer, factories.make_activity(team, starts_at=beijing(6, 4, 9)))
    empty = periods.date_range(date(2026, 7, 1), date(2026, 7, 31), today=date(2026, 11, 1))
    with pytest.raises(ServiceError) as refused:
        certificates.issue_certificate(volunteer, empty, None)
    assert refused.value.code == "no_credited_time", refused.value.message


def test_a_stretch_over_new_year_gives_each_year_its_part(volunteer, team):
    party = factories.make_activity(team, starts_at=beijing(12, 31, 22, year=2025), hours=4)
    scanned(volunteer, party, beijing(12, 31, 22, year=2025), beijing(1, 1, 2))
    assert ledger.minutes_in(periods.year_period(2025), volunteer.id) == 120
    assert ledger.minutes_in(periods.year_period(2026), volunteer.id) == 120


def test_the_review_preview_names_the_overlap_and_what_approval_credits(volunteer, team, organizer):
    morning = factories.make_activity(team, starts_at=beijing(6, 5, 9), hours=3, title="晨间巡河")
    scanned(volunteer, morning, beijing(6, 5, 9), beijing(6, 5, 10, 35))
    claim = records.submit_claim(
        volunteer, morning, beijing(6, 5, 9), beijing(6, 5, 11), "晚走了", LATER
    )
    preview = records.preview_credit(claim)
    assert [(o.title, o.minutes) for o in preview.overlaps] == [("晨间巡河", 95)]
    assert preview.minutes == 25
    records.approve_claim(claim, organizer, None, LATER)
    assert (claim.credited_minutes, all_time(volunteer)) == (25, 120)


def test_rejecting_or_sweeping_removes_a_records_ledger_rows(volunteer, team, organizer):
    morning = factories.make_activity(team, starts_at=beijing(6, 6, 9), hours=3)
    record = scanned(volunteer, morning, beijing(6, 6, 9), beijing(6, 6, 10))
    records.set_times(record, beijing(6, 6, 9), beijing(6, 6, 11), "补记离开时间", organizer, LATER)
    assert (record.credited_minutes, all_time(volunteer)) == (120, 120)
    records.close_as_missing_checkout(record, LATER, "测试")
    assert (record.status, all_time(volunteer)) == (RecordStatus.MISSING_CHECKOUT, 0)


def test_a_scan_is_never_refused_and_says_it_credited_nothing(volunteer, team, organizer):
    morning = factories.make_activity(team, starts_at=beijing(6, 7, 9), hours=3)
    records.add_manual_record(
        morning, volunteer, beijing(6, 7, 9), beijing(6, 7, 12), "纸质签到表", organizer, LATER
    )
    assert scanned(volunteer, morning, beijing(6, 7, 9), beijing(6, 7, 12)).credited_minutes == 0
    assert all_time(volunteer) == 180


def test_the_one_statement_check_out_writes_only_the_columns_it_names(app):
    # SQLAlchemy adds a parameter named as a column of a table the statement writes to that
    # UPDATE's SET or that INSERT's columns: a piece's "volunteer_id" would have rewritten
    # the record's own. Compiled with the parameters a check-out gives, nothing is added.
    closing = ("check_out_at", "check_out_source", "status", "credited_minutes")
    for columns in (closing, (*closing, "geofence_passed", "geofence_distance_m")):
        statement = ledger._first_piece_write(columns)
        record = SimpleNamespace(id=1, volunteer_id=2, activity_id=3)
        piece = hours.Piece(date(2026, 6, 8), beijing(6, 8, 9), beijing(6, 8, 10), 60)
        given = [*ledger._first_piece_values(record, piece), *columns]
        dialect = postgresql.dialect()
        assert str(statement.compile(dialect=dialect, column_keys=given)) == str(
            statement.compile(dialect=dialect)
        )
