"""The activities' year totals (`ActivityYearMinutes`) equal the ledger's sums per activity and
Beijing year after every way the services write the ledger: scans over midnight and New Year,
paper sheets, claims approved and rejected, times set again, corrections, forgotten
check-outs. (No service deletes a record: taking its credit away is `ledger.clear_credit`.)"""

from datetime import datetime

from tests import factories
from tests.ledger_support import assert_activity_totals_match, kept_activity_totals
from volunteer.models import RecordSource
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import checkin, corrections, records

LATER = datetime(2026, 11, 1, tzinfo=LOCAL_ZONE)


def beijing(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE)


def scanned(volunteer, activity, check_in, check_out):
    checkin.scan(volunteer, activity, check_in, RecordSource.QR)
    return checkin.scan(volunteer, activity, check_out, RecordSource.QR).record


def test_every_ledger_write_keeps_the_activities_year_totals(app):
    team = factories.make_organization()
    organizer = factories.make_organizer(team)
    eve = factories.make_activity(team, starts_at=beijing(12, 31, 20, year=2025), hours=8)
    night = factories.make_activity(team, starts_at=beijing(6, 6, 21), hours=6)
    people = [factories.make_volunteer(name) for name in ("其其格", "巴特尔", "乌云")]

    over_new_year = scanned(people[0], eve, beijing(12, 31, 22, year=2025), beijing(1, 1, 2))
    scanned(people[1], eve, beijing(12, 31, 20, year=2025), beijing(12, 31, 23, year=2025))
    over_midnight = scanned(people[0], night, beijing(6, 6, 21), beijing(6, 7, 1))
    assert_activity_totals_match()
    assert kept_activity_totals()[(eve.id, 2025)] == (120 + 180, 2)
    assert kept_activity_totals()[(eve.id, 2026)] == (120, 1)

    # A paper sheet over part of a scanned stretch adds only what is new.
    records.add_manual_record(
        night, people[0], beijing(6, 6, 23), beijing(6, 7, 2), "纸质签到表", organizer, LATER
    )
    assert_activity_totals_match()

    # Times set again: the New Year stretch shrinks to 2025 only (2026 loses its participation).
    records.set_times(
        over_new_year,
        beijing(12, 31, 22, year=2025),
        beijing(12, 31, 23, 30, year=2025),
        "记错了",
        organizer,
        LATER,
    )
    assert_activity_totals_match()
    assert (eve.id, 2026) not in kept_activity_totals()

    # A correction the volunteer asked for brings 2026 back.
    request = corrections.request_correction(
        over_new_year,
        people[0],
        beijing(12, 31, 21, year=2025),
        beijing(1, 1, 1),
        "时间记错了",
        LATER,
    )
    corrections.approve_correction(request, organizer, None, LATER)
    assert_activity_totals_match()
    assert kept_activity_totals()[(eve.id, 2026)] == (60, 1)

    # Claims: one approved, one rejected (credits nothing, counts nothing).
    approved = records.submit_claim(
        people[2], night, beijing(6, 6, 22), beijing(6, 7, 1), "补录", LATER
    )
    records.approve_claim(approved, organizer, None, LATER)
    rejected = records.submit_claim(
        people[1], night, beijing(6, 6, 22), beijing(6, 6, 23), "补录", LATER
    )
    records.reject_claim(rejected, organizer, "当天未到", LATER)
    assert_activity_totals_match()

    # A stretch swept as a forgotten check-out loses its credit.
    records.close_as_missing_checkout(over_midnight, LATER, "测试")
    assert_activity_totals_match()
    # A missing check-out settled by the organizer credits again.
    records.set_times(
        over_midnight, beijing(6, 6, 21), beijing(6, 6, 22), "补记离开时间", organizer, LATER
    )
    assert_activity_totals_match()
