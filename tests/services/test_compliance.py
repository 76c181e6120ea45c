"""Compliance formulas (DOMAIN.md "Compliance") at the service level."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests import factories as f
from volunteer.compliance.table import filter_and_sort
from volunteer.extensions import db
from volunteer.models import (
    ComplianceSettings,
    PoliticalStatus,
    RecordStatus,
    RosterEntry,
    UnitKind,
)
from volunteer.services import compliance as c
from volunteer.services import periods
from volunteer.services.errors import ServiceError

YEAR = 2025
PERIOD = periods.year_period(YEAR)
IN_PERIOD = datetime(YEAR, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def tree(app):
    root = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)
    village = f.make_unit("V1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)
    sibling = f.make_unit("D1", "旗教育局", parent=root)
    activity = f.make_activity(f.make_organization(), starts_at=IN_PERIOD, hours=4)
    return {
        "root": root,
        "town": town,
        "village": village,
        "sibling": sibling,
        "activity": activity,
    }


def served(tree, unit, minutes=60, status=RecordStatus.APPROVED, when=None, **kw):
    """A volunteer on `unit`'s roster with one record of `minutes`."""
    volunteer = f.make_volunteer(**kw)
    f.make_roster_entry(unit, volunteer)
    if minutes:
        f.make_record(volunteer, tree["activity"], minutes, status=status, check_in_at=when)
    return volunteer


def row(report, unit):
    return next(r for r in report.rows if r.unit_id == unit.id)


def test_needs_is_ceil_of_target_times_n_minus_completed():
    assert c.needs(Decimal("0.7"), 10, 6) == 1
    assert c.needs(Decimal("0.7"), 10, 7) == 0
    assert c.needs(Decimal("0.7"), 3, 0) == 3  # ceil(2.1) = 3
    assert c.needs(Decimal("0.9"), 11, 9) == 1  # ceil(9.9) = 10
    assert c.needs(Decimal("0.9"), 11, 11) == 0


def test_rates_count_registered_and_completed_people_of_the_roster(tree):
    town = tree["town"]
    for _ in range(7):
        served(tree, town)
    f.make_roster_entry(town, f.make_volunteer())  # registered, no hours
    f.make_roster_entry(town)  # not registered
    f.make_roster_entry(town)
    report = c.compliance_report(tree["root"], PERIOD)
    figures = row(report, town).figures
    assert (figures.staff, figures.staff_registered, figures.staff_completed) == (10, 8, 7)
    assert figures.staff_rate == Decimal("0.7000")
    assert figures.staff_registration_rate == Decimal("0.8000")
    assert row(report, town).status == c.Status.MEETS
    assert row(report, town).staff_needs == 0


def test_a_unit_with_no_party_members_is_judged_on_staff_alone(tree):
    for _ in range(7):
        served(tree, tree["town"])
    for _ in range(3):
        f.make_roster_entry(tree["town"])
    report = c.compliance_report(tree["root"], PERIOD)
    town_row = row(report, tree["town"])
    assert town_row.figures.party == 0
    assert town_row.figures.party_rate is None
    assert town_row.party_needs == 0
    assert town_row.status == c.Status.MEETS


def test_party_members_below_ninety_percent_keep_the_unit_below(tree):
    town = tree["town"]
    for _ in range(9):
        served(tree, town, political_status=PoliticalStatus.CPC_MEMBER)
    f.make_roster_entry(town, political_status=PoliticalStatus.CPC_MEMBER)
    f.make_roster_entry(town, political_status=PoliticalStatus.CPC_MEMBER)
    report = c.compliance_report(tree["root"], PERIOD)
    town_row = row(report, town)
    assert (town_row.figures.party, town_row.figures.party_completed) == (11, 9)
    assert town_row.figures.staff_rate == Decimal(
        "0.8181"
    )  # 9 / 11 floored, never rounded up  # staff target met
    assert town_row.party_needs == 1
    assert town_row.status == c.Status.BELOW


def test_no_roster_is_never_zero_percent_nor_met(tree):
    report = c.compliance_report(tree["root"], PERIOD)
    sibling = row(report, tree["sibling"])
    assert sibling.status == c.Status.NO_ROSTER
    assert sibling.figures.staff_rate is None
    assert sibling.staff_needs is None
    assert report.units_meeting == 0


def test_a_person_on_two_rosters_counts_once_per_unit_and_once_in_the_common_ancestor(tree):
    volunteer = served(tree, tree["village"])
    f.make_roster_entry(tree["sibling"], volunteer)
    f.make_roster_entry(tree["sibling"])
    report = c.compliance_report(tree["root"], PERIOD)
    assert row(report, tree["village"]).figures.staff_completed == 1
    assert row(report, tree["sibling"]).figures.staff == 2
    assert (report.total.staff, report.total.staff_completed) == (2, 1)
    town_report = c.compliance_report(tree["town"], PERIOD)
    assert town_report.total.staff == 1


def test_only_approved_time_inside_the_period_counts(tree):
    town = tree["town"]
    served(tree, town, status=RecordStatus.PENDING)
    served(tree, town, status=RecordStatus.REJECTED)
    served(tree, town, minutes=1, when=datetime(YEAR - 1, 12, 31, 15, 59, tzinfo=UTC))  # 23:59
    served(tree, town, when=datetime(YEAR - 1, 12, 31, 16, 0, tzinfo=UTC))  # 00:00 Jan 1 Beijing
    served(tree, town, when=datetime(YEAR, 12, 31, 16, 0, tzinfo=UTC))  # next year in Beijing
    figures = row(c.compliance_report(tree["root"], PERIOD), town).figures
    assert (figures.staff, figures.staff_registered, figures.staff_completed) == (5, 5, 1)


def test_min_hours_and_probationary_members_follow_the_years_settings(tree):
    town = tree["town"]
    served(tree, town, minutes=90, political_status=PoliticalStatus.CPC_PROBATIONARY)
    served(tree, town, minutes=150, political_status=PoliticalStatus.CPC_MEMBER)
    default = row(c.compliance_report(tree["root"], PERIOD), town).figures
    assert (default.staff_completed, default.party, default.party_completed) == (2, 2, 2)
    c.save_targets(
        YEAR,
        staff_target=Decimal("0.5"),
        party_target=Decimal("1"),
        count_probationary=False,
        min_minutes=120,
        milestone=Decimal("0.8"),
        actor=None,
    )
    figures = row(c.compliance_report(tree["root"], PERIOD), town).figures
    assert (figures.staff_completed, figures.party, figures.party_completed) == (1, 1, 1)
    assert c.targets_for(YEAR - 1) == c.Targets(year=YEAR - 1)  # other years keep defaults


def test_people_who_left_before_the_periods_end_do_not_count(tree):
    volunteer = f.make_volunteer()
    f.make_roster_entry(tree["town"], volunteer, on_until=date(YEAR, 12, 31))
    f.make_record(volunteer, tree["activity"])
    report = c.compliance_report(tree["root"], PERIOD)
    assert row(report, tree["town"]).status == c.Status.NO_ROSTER
    assert report.total.staff == 0


def test_someone_who_registers_after_the_roster_upload_counts_at_once(tree):
    number = f.resident_id()
    f.make_roster_entry(tree["town"], id_number=number)
    assert (
        row(c.compliance_report(tree["root"], PERIOD), tree["town"]).figures.staff_registered == 0
    )
    volunteer = f.make_volunteer(id_number=number.lower())
    f.make_record(volunteer, tree["activity"])
    figures = row(c.compliance_report(tree["root"], PERIOD), tree["town"]).figures
    assert (figures.staff_registered, figures.staff_completed) == (1, 1)


def test_milestone_compares_units_meeting_targets_with_the_years_share(tree):
    db.session.add(ComplianceSettings(year=YEAR, milestone=Decimal("0.5")))
    served(tree, tree["town"])
    served(tree, tree["village"], minutes=0)
    report = c.compliance_report(tree["root"], PERIOD)
    # Assessed: the town and the department (the banner never, the village not by default).
    assert report.units_meeting == 1
    assert report.units_assessed == 2
    assert report.milestone_reached is True
    assert report.units_needed_for_milestone == 0


def test_the_rollup_is_a_handful_of_statements_whatever_the_number_of_units(tree, count_queries):
    for index in range(12):
        unit = f.make_unit(parent=tree["town"])
        served(tree, unit, minutes=30 * (index % 2))
    with count_queries() as counted:
        report = c.compliance_report(tree["root"], PERIOD)
    assert len(report.rows) == 16
    # The targets, the units, every unit's counts, the people on more than one entry.
    assert counted.statements <= 4


def test_drill_down_lists_unregistered_and_registered_without_hours(tree):
    town = tree["town"]
    served(tree, town)
    f.make_roster_entry(town, name="未注册")
    lazy = f.make_volunteer(name="没时长")
    f.make_roster_entry(town, lazy)
    f.make_record(lazy, tree["activity"], status=RecordStatus.PENDING)
    people = c.missing_people(town, PERIOD)
    assert [(p.name, p.reason) for p in people] == [
        ("未注册", c.Missing.NOT_REGISTERED),
        ("没时长", c.Missing.NO_HOURS),
    ]


def test_history_rises_month_by_month_from_record_dates(tree):
    town = tree["town"]
    march = datetime(YEAR, 3, 10, 2, tzinfo=UTC)
    early = served(tree, town, when=march)
    later = served(tree, town, when=IN_PERIOD)
    early.registered_at = datetime(YEAR - 1, 5, 1, tzinfo=UTC)
    later.registered_at = datetime(YEAR, 4, 20, tzinfo=UTC)
    f.make_roster_entry(town)
    points = c.compliance_history(tree["root"], PERIOD, today=date(YEAR, 12, 31))
    assert len(points) == 12
    assert points[1].staff_rate == Decimal("0")
    assert points[2].staff_rate == Decimal("0.3333")
    assert points[5].staff_rate == Decimal("0.6666")
    assert points[0].staff_registration_rate == Decimal("0.3333")
    assert points[3].staff_registration_rate == Decimal("0.6666")


def test_period_bounds_are_beijing_days_and_bad_periods_are_refused():
    start, end = periods.year_period(YEAR).utc_bounds()
    assert start == datetime(YEAR - 1, 12, 31, 16, tzinfo=UTC)
    assert end - start == timedelta(days=365)
    with pytest.raises(ServiceError):
        periods.make_period(YEAR, date(YEAR, 5, 1), date(YEAR, 4, 1))


def test_settings_refuse_targets_outside_zero_to_one(app):
    with pytest.raises(ServiceError):
        c.save_targets(
            YEAR,
            staff_target=Decimal("1.2"),
            party_target=Decimal("0.9"),
            count_probationary=True,
            min_minutes=1,
            milestone=None,
            actor=None,
        )


def test_rows_filter_by_kind_group_and_status_and_sort_by_rate_with_no_roster_last(tree):
    served(tree, tree["town"])
    f.make_roster_entry(tree["town"])
    served(tree, tree["sibling"])
    report = c.compliance_report(tree["root"], PERIOD)
    by_rate = filter_and_sort(report.rows, sort="staff_rate", descending=True)
    assert [r.code for r in by_rate] == ["D1", "T1", "WS", "V1"]
    below = filter_and_sort(report.rows, status=c.Status.BELOW)
    assert [r.code for r in below] == ["T1"]
    assert [r.code for r in filter_and_sort(report.rows, kind="departments")] == ["D1"]
    assert [r.code for r in filter_and_sort(report.rows, kind="villages")] == ["V1"]


def test_the_sql_rollup_equals_a_plain_python_count_on_random_data(tree):
    import random

    rng = random.Random(7)
    units = [tree["root"], tree["town"], tree["village"], tree["sibling"]]
    units.append(f.make_unit("V2", "第二嘎查", parent=tree["town"], kind=UnitKind.VILLAGE))
    statuses = [
        PoliticalStatus.CPC_MEMBER,
        PoliticalStatus.CPC_PROBATIONARY,
        PoliticalStatus.MASSES,
    ]
    people = []  # (id_number, political status, volunteer or None, approved minutes in period)
    for index in range(40):
        status = rng.choice(statuses)
        volunteer = f.make_volunteer(political_status=status) if rng.random() < 0.7 else None
        minutes = 0
        if volunteer is not None:
            for _ in range(rng.randrange(0, 3)):
                record_status = rng.choice([RecordStatus.APPROVED, RecordStatus.PENDING])
                inside = rng.random() < 0.7
                when = IN_PERIOD if inside else datetime(YEAR + 1, 2, 1, tzinfo=UTC)
                amount = rng.choice([0, 30, 90])
                f.make_record(volunteer, tree["activity"], amount, record_status, when)
                if inside and record_status == RecordStatus.APPROVED:
                    minutes += amount
        number = volunteer.id_number if volunteer else f.resident_id()
        people.append((number, status, volunteer, minutes))
        homes = rng.sample(units, k=2 if index % 5 == 0 else 1)
        for unit in homes:
            # Stints starting and ending around the period's end (the day the report reads).
            on_from = date(YEAR, 12, 31) + timedelta(days=rng.choice([-400, -30, 0, 1]))
            on_until = rng.choice(
                [None, None, None, on_from, date(YEAR, 12, 31), date(YEAR + 1, 1, 1)]
            )
            if on_until is not None and on_until < on_from:
                on_until = None
            f.make_roster_entry(
                unit, id_number=number, political_status=status, on_from=on_from, on_until=on_until
            )
    c.save_targets(
        YEAR,
        staff_target=Decimal("0.7"),
        party_target=Decimal("0.9"),
        count_probationary=False,
        min_minutes=60,
        milestone=None,
        actor=None,
    )
    by_number = {p[0]: p for p in people}
    entries = [e for e in db.session.scalars(select(RosterEntry)) if e.on_roster(PERIOD.end)]

    def expected(numbers):
        rows = [by_number[n] for n in numbers]
        party = [p for p in rows if p[1] == PoliticalStatus.CPC_MEMBER]
        return c.Figures(
            staff=len(rows),
            staff_registered=sum(p[2] is not None for p in rows),
            staff_completed=sum(p[2] is not None and p[3] >= 60 for p in rows),
            party=len(party),
            party_registered=sum(p[2] is not None for p in party),
            party_completed=sum(p[2] is not None and p[3] >= 60 for p in party),
        )

    report = c.compliance_report(tree["root"], PERIOD)
    for unit in units:
        numbers = {e.id_number for e in entries if e.unit_id == unit.id}
        assert row(report, unit).figures == expected(numbers), unit.code
    assert report.total == expected({e.id_number for e in entries})
    town_numbers = {e.id_number for e in entries if e.unit.path.startswith(tree["town"].path)}
    assert c.compliance_report(tree["town"], PERIOD).total == expected(town_numbers)
