"""Pace projection (issue 16): the arithmetic on known answers, then the counts from the ledger."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import ComplianceSettings, PoliticalStatus, UnitKind
from volunteer.services import compliance as c
from volunteer.services import periods
from volunteer.services.compliance import pace as pace_module
from volunteer.services.errors import ServiceError

YEAR = 2025
PERIOD = periods.year_period(YEAR)
TODAY = date(YEAR, 6, 1)
YEAR_END = date(YEAR, 12, 31)
WINDOW = 14  # 19 May to 1 June
BEFORE = datetime(YEAR, 3, 10, 2, tzinfo=UTC)  # long before the window
INSIDE = datetime(YEAR, 5, 25, 2, tzinfo=UTC)  # 10:00 on 25 May, Beijing
EARLY = datetime(YEAR - 1, 11, 1, tzinfo=UTC)  # registrations before the window


# ---- the arithmetic alone ------------------------------------------------------------------


def test_two_a_week_and_twenty_short_projects_ten_weeks():
    projection = c.project(short=20, recent=4, window_days=14, today=TODAY, deadline=YEAR_END)
    assert str(projection.per_week) == "2.0"
    assert str(projection.weeks_needed) == "10.0"
    assert projection.days_needed == 70
    assert projection.projected_date == TODAY + timedelta(weeks=10) == date(YEAR, 8, 10)
    assert projection.outlook == c.Outlook.ON_TRACK
    assert projection.shortfall == 0
    # 213 days are left: 20 people in 213 / 7 weeks is 0.657 a week, asked as 0.7 (rounded up).
    assert projection.needed_per_week == Decimal("0.7")


def test_a_thirty_day_window_gives_days_and_weeks_rounded_up():
    # 6 completions in 30 days is 1.4 a week: 20 short is 100 days, 14.28… weeks.
    projection = c.project(short=20, recent=6, window_days=30, today=TODAY, deadline=YEAR_END)
    assert projection.per_week == Decimal("1.4")
    assert projection.days_needed == 100
    assert projection.weeks_needed == Decimal("14.3")  # 14.28… rounded up
    assert projection.projected_date == TODAY + timedelta(days=100)


def test_reaching_the_target_exactly_on_the_last_day_is_on_track():
    today = YEAR_END - timedelta(days=70)
    on_time = c.project(short=20, recent=4, window_days=14, today=today, deadline=YEAR_END)
    assert on_time.projected_date == YEAR_END
    assert on_time.outlook == c.Outlook.ON_TRACK
    assert on_time.needed_per_week == Decimal("2.0")
    one_more = c.project(short=21, recent=4, window_days=14, today=today, deadline=YEAR_END)
    assert one_more.outlook == c.Outlook.CANNOT
    assert one_more.projected_date == YEAR_END + timedelta(days=4)  # 73.5 days, rounded up
    assert one_more.shortfall == 1
    assert one_more.needed_per_week == Decimal("2.1")


def test_too_slow_cannot_reach_and_says_how_many_are_missing_at_the_year_end():
    today = YEAR_END - timedelta(weeks=10)
    slow = c.project(short=20, recent=2, window_days=14, today=today, deadline=YEAR_END)
    assert slow.outlook == c.Outlook.CANNOT
    assert slow.weeks_needed == Decimal("20.0")
    assert slow.projected_date == today + timedelta(weeks=20)  # after the year's end
    assert slow.shortfall == 10  # 1 a week for 10 weeks
    assert slow.needed_per_week == Decimal("2.0")


def test_no_progress_cannot_reach_and_has_no_date():
    stuck = c.project(short=5, recent=0, window_days=30, today=TODAY, deadline=YEAR_END)
    assert stuck.outlook == c.Outlook.CANNOT
    assert stuck.per_week == Decimal("0.0")
    assert stuck.days_needed is None and stuck.weeks_needed is None
    assert stuck.projected_date is None
    assert stuck.shortfall == 5
    assert stuck.needed_per_week == Decimal("0.2")  # 5 in 213 days: 0.16… a week, rounded up


def test_a_met_target_needs_nothing_more():
    met = c.project(short=0, recent=0, window_days=30, today=TODAY, deadline=YEAR_END)
    assert met.outlook == c.Outlook.MET
    assert met.projected_date is None and met.days_needed == 0 and met.weeks_needed == 0
    assert met.needed_per_week == 0 and met.shortfall == 0


def test_after_the_year_end_a_rate_below_target_cannot_be_reached():
    late = c.project(
        short=3, recent=9, window_days=14, today=date(YEAR + 1, 1, 5), deadline=YEAR_END
    )
    assert late.days_left == 0
    assert late.outlook == c.Outlook.CANNOT
    assert late.needed_per_week is None  # no weeks are left to spread them over
    assert late.shortfall == 3
    last_day = c.project(short=3, recent=9, window_days=14, today=YEAR_END, deadline=YEAR_END)
    assert last_day.outlook == c.Outlook.CANNOT and last_day.needed_per_week is None


def test_the_window_is_cut_to_the_period_and_its_length_is_bounded(app):
    assert pace_module.pace_window(PERIOD, date(YEAR, 1, 10), 30).days == 10
    assert pace_module.pace_window(PERIOD, TODAY, 30).first == date(YEAR, 5, 3)
    past = pace_module.pace_window(PERIOD, date(YEAR + 1, 3, 1), 30)
    assert (past.first, past.last) == (date(YEAR, 12, 2), YEAR_END)
    assert c.window_days() == 30  # COMPLIANCE_PACE_WINDOW_DAYS
    app.config["COMPLIANCE_PACE_WINDOW_DAYS"] = 21
    assert c.window_days() == 21 and c.window_days(90) == 90
    for bad in (0, 6, 181):
        with pytest.raises(ServiceError):
            c.window_days(bad)


# ---- counted from the ledger, for a whole subtree ------------------------------------------


@pytest.fixture
def tree(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=banner, kind=UnitKind.TOWN)
    village = f.make_unit("V1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)
    department = f.make_unit("D1", "旗教育局", parent=banner)
    activity = f.make_activity(f.make_organization(), starts_at=BEFORE, hours=4)
    return {
        "banner": banner,
        "town": town,
        "village": village,
        "department": department,
        "activity": activity,
    }


def person(tree, unit, served_at=None, minutes=60, registered_at=EARLY, **kw):
    """A registered person on `unit`'s roster, with one approved record at `served_at`."""
    volunteer = f.make_volunteer(**kw)
    volunteer.registered_at = registered_at
    f.make_roster_entry(unit, volunteer)
    if served_at is not None:
        f.make_record(volunteer, tree["activity"], minutes, check_in_at=served_at)
    return volunteer


def pace_of(tree, root="banner"):
    return c.compliance_pace(tree[root], PERIOD, c.targets_for(YEAR), TODAY, WINDOW)


def test_a_unit_completing_two_a_week_and_twenty_short_projects_ten_weeks(tree):
    town = tree["town"]
    for _ in range(4):
        person(tree, town, BEFORE)
    for _ in range(4):
        person(tree, town, INSIDE)
    for _ in range(32):
        f.make_roster_entry(town)
    pace = pace_of(tree).units[town.id]
    assert (pace.staff, pace.staff_completed) == (40, 8)
    projection = pace.staff_projection
    assert (projection.short, projection.recent, projection.window_days) == (20, 4, 14)
    assert projection.weeks_needed == Decimal("10.0")
    assert projection.projected_date == date(YEAR, 8, 10)
    assert pace.party_projection is None  # no party members: judged on staff alone
    assert not pace.at_risk


def test_completion_counts_when_the_minimum_is_first_reached(tree):
    db.session.add(ComplianceSettings(year=YEAR, min_minutes=120))
    town = tree["town"]
    crossed = person(tree, town, BEFORE, minutes=60)  # 1 h in March, 1 h more in the window
    f.make_record(crossed, tree["activity"], 60, check_in_at=INSIDE)
    person(tree, town, BEFORE, minutes=120)  # reached it in March
    person(tree, town, INSIDE, minutes=60)  # not reached
    pace = pace_of(tree).units[town.id]
    assert (pace.staff_completed, pace.staff_projection.recent) == (2, 1)


def test_registrations_in_the_window_are_counted_and_time_outside_the_period_is_not(tree):
    town = tree["town"]
    person(tree, town, registered_at=INSIDE)
    person(tree, town, registered_at=INSIDE + timedelta(days=14))  # after today
    person(tree, town, datetime(YEAR - 1, 12, 20, tzinfo=UTC))  # last year's service
    pace = pace_of(tree).units[town.id]
    assert pace.joined == 1
    assert (pace.staff_completed, pace.staff_projection.recent) == (0, 0)


def test_units_at_risk_are_sorted_by_how_far_behind_they_are(tree):
    town, village, department = tree["town"], tree["village"], tree["department"]
    for _ in range(4):
        person(tree, town, INSIDE)  # 10 people, 7 needed: 3 short at 2 a week, on track
    for _ in range(6):
        f.make_roster_entry(town)
    person(tree, village, BEFORE)  # 8 people, 6 needed: 4 short, nothing happening
    person(tree, village, BEFORE)
    for _ in range(6):
        f.make_roster_entry(village)
    for _ in range(7):
        person(tree, department, BEFORE)  # 20 people, 14 needed: 7 short, nothing happening
    for _ in range(13):
        f.make_roster_entry(department)
    report = c.compliance_report(tree["banner"], PERIOD)
    pace = pace_of(tree)
    risky = c.at_risk(report.rows, pace)
    assert [item.row.code for item in risky] == ["V1", "D1"]
    # On 31 December the village is still at 25% (45 points below 70%), the department at 35%.
    assert [item.pace.behind for item in risky] == [Decimal("0.4500"), Decimal("0.3500")]
    assert risky[0].pace.behind_points == Decimal("45.0")
    assert [item.pace.shortfall for item in risky] == [4, 7]
    assert pace.units[town.id].staff_projection.outlook == c.Outlook.ON_TRACK


def test_party_members_have_their_own_projection(tree):
    town = tree["town"]
    member = PoliticalStatus.CPC_MEMBER
    for _ in range(8):
        person(tree, town, INSIDE, political_status=member)
    f.make_roster_entry(town, political_status=member)
    f.make_roster_entry(town, political_status=member)
    pace = pace_of(tree).units[town.id]
    party = pace.party_projection
    assert (pace.party, pace.party_completed, party.short, party.recent) == (10, 8, 1, 8)
    assert party.outlook == c.Outlook.ON_TRACK and party.days_needed == 2  # 4 a week
    assert pace.staff_projection.outlook == c.Outlook.MET


def test_the_subtree_counts_distinct_people_once_in_one_statement(tree, count_queries):
    town, village = tree["town"], tree["village"]
    both = person(tree, village, INSIDE, registered_at=INSIDE)
    f.make_roster_entry(town, both)
    person(tree, town, BEFORE)
    f.make_roster_entry(tree["department"])
    targets = c.targets_for(YEAR)
    with count_queries() as counted:
        pace = c.compliance_pace(tree["banner"], PERIOD, targets, TODAY, WINDOW)
    assert counted.statements == 1
    assert (pace.total.staff, pace.total.staff_completed, pace.total.joined) == (3, 2, 1)
    assert pace.total.staff_projection.recent == 1
    assert (pace.units[town.id].staff, pace.units[town.id].staff_projection.recent) == (2, 1)
    below = c.compliance_pace(town, PERIOD, c.targets_for(YEAR), TODAY, WINDOW, per_unit=False)
    assert below.units == {} and (below.total.staff, below.total.staff_completed) == (2, 2)


def test_no_roster_has_no_pace(tree):
    pace = pace_of(tree)
    assert pace.units == {} and pace.total is None


def test_the_projected_month_ends_continue_the_chart_to_the_year_end(tree):
    town = tree["town"]
    for _ in range(4):
        person(tree, town, INSIDE)
    for _ in range(36):
        f.make_roster_entry(town)
    pace = pace_of(tree, "town").total
    points = c.projected_points(pace, TODAY, YEAR_END)
    assert [point.day.month for point in points] == [6, 7, 8, 9, 10, 11, 12]
    assert points[-1].day == YEAR_END
    assert points[0].staff_rate == Decimal("0.3000")  # 4 + 4 * 29 // 14 = 12 of 40
    assert points[-1].staff_rate == Decimal("1.0000")  # capped: never above 100%
    assert all(point.staff_registration_rate is None for point in points)
