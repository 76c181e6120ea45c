"""The compliance overview: a unit's own roster row and each direct sub-unit's subtree."""

import random
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import ComplianceSettings, PoliticalStatus, RecordStatus, Unit, UnitKind
from volunteer.services import compliance as c
from volunteer.services import periods

YEAR = 2025
PERIOD = periods.year_period(YEAR)
IN_PERIOD = datetime(YEAR, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def tree(app):
    root = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)
    village = f.make_unit("V1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)
    other_village = f.make_unit("V2", "第二嘎查", parent=town, kind=UnitKind.VILLAGE)
    department = f.make_unit("D1", "旗教育局", parent=root)
    activity = f.make_activity(f.make_organization(), starts_at=IN_PERIOD, hours=4)
    return {
        "root": root,
        "town": town,
        "village": village,
        "other_village": other_village,
        "department": department,
        "activity": activity,
    }


def served(tree, unit, minutes=60, **kw):
    """A volunteer on `unit`'s roster with one approved record of `minutes`."""
    volunteer = f.make_volunteer(**kw)
    f.make_roster_entry(unit, volunteer)
    if minutes:
        f.make_record(volunteer, tree["activity"], minutes)
    return volunteer


def ids(report):
    return [row.unit_id for row in report.rows]


def test_rows_are_the_units_own_roster_then_its_direct_sub_units_not_grandchildren(tree):
    overview = c.compliance_overview(tree["root"], PERIOD)
    assert ids(overview) == [tree["root"].id, tree["town"].id, tree["department"].id]
    assert [row.has_children for row in overview.rows] == [True, True, False]


def test_the_own_row_counts_the_units_own_roster_only(tree):
    served(tree, tree["root"])
    served(tree, tree["town"], minutes=0)
    own = c.compliance_overview(tree["root"], PERIOD).rows[0]
    assert (own.figures.staff, own.figures.staff_completed) == (1, 1)


def test_a_sub_units_row_counts_distinct_people_across_its_subtree(tree):
    both = served(tree, tree["village"])
    f.make_roster_entry(tree["other_village"], both)  # the same person on a sibling roster
    served(tree, tree["other_village"], minutes=0)
    f.make_roster_entry(tree["department"], both)  # and in another branch
    overview = c.compliance_overview(tree["root"], PERIOD)
    town = overview.rows[1].figures
    assert (town.staff, town.staff_registered, town.staff_completed) == (2, 2, 1)
    assert overview.rows[2].figures.staff == 1
    assert overview.total.staff == 2  # once in the subtree's totals


def test_inactive_sub_units_are_left_out(tree):
    served(tree, tree["department"])
    tree["department"].active = False
    db.session.flush()
    overview = c.compliance_overview(tree["root"], PERIOD)
    assert tree["department"].id not in ids(overview)
    assert overview.total.staff == 0


def test_the_milestone_counts_every_unit_of_the_subtree_as_the_full_report(tree):
    db.session.add(ComplianceSettings(year=YEAR, milestone=c.rate(1, 2)))
    served(tree, tree["town"])
    served(tree, tree["village"], minutes=0)
    overview = c.compliance_overview(tree["root"], PERIOD)
    full = c.compliance_report(tree["root"], PERIOD)
    assert (overview.units_meeting, overview.units_assessed) == (1, 2)
    assert (full.units_meeting, full.units_assessed) == (1, 2)
    assert overview.status_counts == full.status_counts


def test_the_overview_is_a_handful_of_statements_whatever_the_fan_out(tree, count_queries):
    for index in range(12):
        served(tree, f.make_unit(parent=tree["village"]), minutes=30 * (index % 2))
    with count_queries() as counted:
        overview = c.compliance_overview(tree["root"], PERIOD)
    assert len(overview.rows) == 3
    # The targets, the units, every unit's counts, the people on more than one entry: by
    # branch and in all.
    assert counted.statements <= 5


def random_tree(rng, root, depth=3):
    """Units under `root`, a few of them inactive: every unit made."""
    units = [root]
    frontier = [root]
    for _ in range(depth):
        frontier = [
            f.make_unit(parent=parent) for parent in frontier for _ in range(rng.randrange(0, 4))
        ]
        units += frontier
    for unit in rng.sample(units[1:], k=min(2, len(units) - 1)):
        unit.active = False
    return units


def random_rosters(rng, tree, units, people=60):
    """People on one to three random rosters, some registered, some with enough time."""
    statuses = [
        PoliticalStatus.CPC_MEMBER,
        PoliticalStatus.CPC_PROBATIONARY,
        PoliticalStatus.MASSES,
    ]
    for _ in range(people):
        status = rng.choice(statuses)
        volunteer = f.make_volunteer(political_status=status) if rng.random() < 0.7 else None
        if volunteer is not None and rng.random() < 0.6:
            f.make_record(volunteer, tree["activity"], rng.choice([30, 90]), RecordStatus.APPROVED)
        number = volunteer.id_number if volunteer else f.resident_id()
        for unit in rng.sample(units, k=rng.randrange(1, 4)):
            left = rng.choice([None, None, date(YEAR, 3, 1)])
            f.make_roster_entry(unit, id_number=number, political_status=status, on_until=left)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_sub_units_row_equals_its_full_reports_totals_on_random_trees(tree, seed):
    rng = random.Random(seed)
    fixed = [tree[key] for key in ("village", "other_village", "department")]
    grown = random_tree(rng, tree["root"]) + random_tree(rng, tree["town"], depth=2)
    units = list(dict.fromkeys(fixed + grown))
    random_rosters(rng, tree, units)
    db.session.flush()
    for top in (tree["root"], tree["town"]):
        overview = c.compliance_overview(top, PERIOD)
        full = c.compliance_report(top, PERIOD)
        assert overview.rows[0].unit_id == top.id
        assert overview.rows[0].figures == full.rows[0].figures  # its own roster
        children = sorted(  # in tree order, as the overview lists them (no ORDER BY here)
            db.session.scalars(select(Unit).where(Unit.parent_id == top.id, Unit.active.is_(True))),
            key=lambda child: c.tree_key(child.path),
        )
        assert ids(overview)[1:] == [child.id for child in children]
        for row, child in zip(overview.rows[1:], children, strict=True):
            assert row.figures == c.compliance_report(child, PERIOD).total, child.code
        assert overview.total == full.total
        assert (overview.units_meeting, overview.units_assessed) == (
            full.units_meeting,
            full.units_assessed,
        )


@pytest.mark.parametrize("seed", [4, 5])
def test_each_sub_units_pace_equals_its_own_subtrees_pace_on_random_trees(tree, seed):
    rng = random.Random(seed)
    fixed = [tree[key] for key in ("village", "other_village", "department")]
    units = list(dict.fromkeys(fixed + random_tree(rng, tree["root"])))
    random_rosters(rng, tree, units)
    db.session.flush()
    root, today, targets = tree["root"], date(YEAR, 6, 10), c.targets_for(YEAR)
    pace = c.compliance_pace(root, PERIOD, targets, today, 30, by_branch=True)
    per_unit = c.compliance_pace(root, PERIOD, targets, today, 30)
    assert pace.total == per_unit.total
    assert pace.units.get(root.id) == per_unit.units.get(root.id)  # its own roster
    for row in c.compliance_overview(root, PERIOD).rows[1:]:
        child = db.session.get(Unit, row.unit_id)
        alone = c.compliance_pace(child, PERIOD, targets, today, 30, per_unit=False)
        assert pace.units.get(child.id) == alone.total, child.code
    assert len(pace.units) > 1
    assert set(pace.units) <= {row.unit_id for row in c.compliance_overview(root, PERIOD).rows}
