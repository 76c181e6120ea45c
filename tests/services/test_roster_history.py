"""True roster history: every period counts the roster as it stood on its last day.

Issue 16: rosters keep their versions (stints of Beijing days), a roster upload
closes the stints of people who left at the upload's day and deletes nothing, and
the figures of a past period, or of a past point of the rates-over-time chart, do
not move when the roster changes later.
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import PoliticalStatus, RosterEntry, UnitKind
from volunteer.services import compliance as c
from volunteer.services import periods, rosters

YEAR = 2025
FEBRUARY = periods.make_period(YEAR, date(YEAR, 2, 1), date(YEAR, 2, 28))
APRIL = periods.make_period(YEAR, date(YEAR, 4, 1), date(YEAR, 4, 30))
JUNE = periods.make_period(YEAR, date(YEAR, 6, 1), date(YEAR, 6, 30))
WHOLE_YEAR = periods.year_period(YEAR)
# Upload moments (UTC, in the Beijing morning): the roster changes on these Beijing days.
JANUARY_UPLOAD = datetime(YEAR, 1, 6, 2, tzinfo=UTC)
MARCH_UPLOAD = datetime(YEAR, 3, 10, 2, tzinfo=UTC)
MAY_UPLOAD = datetime(YEAR, 5, 20, 2, tzinfo=UTC)


@pytest.fixture
def town(app):
    root = f.make_unit("WS", "乌审旗")
    return f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)


@pytest.fixture
def staff(town):
    """Three people on the town's roster: two volunteers who served in February, April and
    June, and one who never registered."""
    team = f.make_organization()
    days = [datetime(YEAR, month, 10, 1, tzinfo=UTC) for month in (2, 4, 6)]
    activities = [f.make_activity(team, starts_at=day, hours=4) for day in days]
    people = {}
    for name in ("巴特尔", "其其格"):
        volunteer = f.make_volunteer(name=name)
        volunteer.registered_at = datetime(YEAR - 1, 6, 1, tzinfo=UTC)
        for activity in activities:
            f.make_record(volunteer, activity, 60)
        people[name] = person(name, volunteer.id_number, volunteer.user.phone)
    people["未注册"] = person("未注册", f.resident_id(), f.phone())
    return people


def upload(town, rows, now):
    """Replace the town's roster with `rows` at the moment `now`."""
    checked = rosters.check_roster(
        csv_bytes(rows), "名册.csv", unit=town, may_upload_for=lambda _unit: True
    )
    assert checked.ok, checked.errors
    return rosters.apply_roster(checked, actor=None, replace=True, now=now)


def figures(unit, period):
    return next(row for row in c.compliance_report(unit, period).rows if row.unit_id == unit.id)


def missing_names(unit, period):
    return sorted(person.name for person in c.missing_people(unit, period))


def test_a_roster_changed_in_march_leaves_februarys_figures_as_they_were(town, staff):
    upload(town, list(staff.values()), JANUARY_UPLOAD)
    before = (
        figures(town, FEBRUARY),
        c.compliance_report(town, FEBRUARY).total,
        missing_names(town, FEBRUARY),
        c.compliance_history(town, WHOLE_YEAR, today=date(YEAR, 2, 28)),
    )
    assert (before[0].figures.staff, before[0].figures.staff_completed) == (3, 2)
    assert before[2] == ["未注册"]
    newcomer = person("新人", f.resident_id(), f.phone())
    promoted = [*staff["其其格"][:4], "中共党员", staff["其其格"][5]]
    upload(town, [promoted, staff["未注册"], newcomer], MARCH_UPLOAD)  # 巴特尔 leaves
    after = (
        figures(town, FEBRUARY),
        c.compliance_report(town, FEBRUARY).total,
        missing_names(town, FEBRUARY),
        c.compliance_history(town, WHOLE_YEAR, today=date(YEAR, 12, 31))[:2],
    )
    assert after == before
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 5  # nothing deleted
    april = figures(town, APRIL).figures
    assert (april.staff, april.staff_completed, april.party, april.party_completed) == (3, 1, 1, 1)


def test_a_leaver_counts_in_february_but_not_in_april_nor_in_the_year(town, staff):
    upload(town, list(staff.values()), JANUARY_UPLOAD)
    upload(town, [staff["其其格"], staff["未注册"]], MARCH_UPLOAD)
    february, april = figures(town, FEBRUARY).figures, figures(town, APRIL).figures
    assert (february.staff, february.staff_completed) == (3, 2)
    assert (april.staff, april.staff_completed) == (2, 1)
    assert figures(town, WHOLE_YEAR).figures.staff == 2
    leaver = db.session.scalar(
        select(RosterEntry).where(RosterEntry.id_number == staff["巴特尔"][2])
    )
    assert (leaver.on_from, leaver.on_until) == (date(YEAR, 1, 6), date(YEAR, 3, 10))
    assert missing_names(town, FEBRUARY) == ["未注册"]
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 3


def test_a_rejoiner_has_two_stints_and_counts_once_whenever_on_the_roster(town, staff):
    rows = [staff["巴特尔"], staff["未注册"]]
    upload(town, rows, JANUARY_UPLOAD)
    upload(town, rows[1:], MARCH_UPLOAD)
    upload(town, rows, MAY_UPLOAD)
    stints = db.session.scalars(
        select(RosterEntry)
        .where(RosterEntry.id_number == staff["巴特尔"][2])
        .order_by(RosterEntry.on_from)
    ).all()
    assert [(e.on_from, e.on_until) for e in stints] == [
        (date(YEAR, 1, 6), date(YEAR, 3, 10)),
        (date(YEAR, 5, 20), None),
    ]
    counted = [figures(town, p).figures for p in (FEBRUARY, APRIL, JUNE, WHOLE_YEAR)]
    assert [(x.staff, x.staff_completed) for x in counted] == [(2, 1), (1, 0), (2, 1), (2, 1)]
    points = c.compliance_history(town, WHOLE_YEAR, today=date(YEAR, 7, 31))
    assert [p.staff_rate for p in points] == [
        Decimal("0"),  # January: on the roster, nothing served yet
        Decimal("0.5"),
        Decimal("0"),  # March and April: only the unregistered person is on the roster
        Decimal("0"),
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("0.5"),
    ]


def test_a_new_party_member_counts_as_one_from_the_day_the_roster_says_so(town, staff):
    upload(town, [staff["其其格"]], JANUARY_UPLOAD)
    promoted = [*staff["其其格"][:4], "中共党员", staff["其其格"][5]]
    upload(town, [promoted], MARCH_UPLOAD)
    assert figures(town, FEBRUARY).figures.party == 0
    assert (figures(town, APRIL).figures.party, figures(town, APRIL).figures.staff) == (1, 1)
    points = c.compliance_history(town, WHOLE_YEAR, today=date(YEAR, 4, 30))
    assert [p.party_rate for p in points] == [None, None, Decimal("1"), Decimal("1")]


def test_each_month_end_of_the_history_equals_the_report_of_the_year_up_to_that_day(
    app, count_queries
):
    """On random stints and records, every point of the chart is the report of January 1st
    up to that day over the roster of that day, for the banner and for a town."""
    rng = random.Random(16)
    root = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)
    units = [root, town, f.make_unit("V1", "嘎查", parent=town), f.make_unit("D1", "局", root)]
    team = f.make_organization()
    months = [datetime(YEAR, month, 12, 2, tzinfo=UTC) for month in range(1, 13)]
    activities = [f.make_activity(team, starts_at=day, hours=3) for day in months]
    statuses = [PoliticalStatus.CPC_MEMBER, PoliticalStatus.MASSES]
    for _ in range(30):
        status = rng.choice(statuses)
        number = f.resident_id()
        if rng.random() < 0.7:
            volunteer = f.make_volunteer(id_number=number, political_status=status)
            volunteer.registered_at = datetime(YEAR, rng.randrange(1, 13), 1, tzinfo=UTC)
            for activity in rng.sample(activities, rng.randrange(0, 3)):
                f.make_record(volunteer, activity, 30)
        _random_stints(rng, rng.sample(units, rng.choice([1, 1, 2])), number, status)
    for unit in (root, town):
        with count_queries() as counted:
            points = c.compliance_history(unit, WHOLE_YEAR, today=date(YEAR, 12, 31))
        assert counted.statements <= 2
        for point in points:
            total = c.compliance_report(unit, periods.make_period(YEAR, None, point.day)).total
            expected = (total.staff_rate, total.party_rate)
            assert (point.staff_rate, point.party_rate) == expected, (unit.code, point.day)


def _random_stints(rng, units, number, status):
    """One to three stints one after the other on each unit, the last perhaps still open."""
    for unit in units:
        day = date(YEAR - 1, 12, 1) + timedelta(days=rng.randrange(0, 300))
        for _ in range(rng.randrange(1, 4)):
            until = day + timedelta(days=rng.randrange(0, 120))
            still_on = rng.random() < 0.4 or until > date(YEAR, 12, 31)
            f.make_roster_entry(
                unit,
                id_number=number,
                political_status=status,
                on_from=day,
                on_until=None if still_on else until,
            )
            if still_on:
                break
            day = until + timedelta(days=rng.randrange(0, 60))
