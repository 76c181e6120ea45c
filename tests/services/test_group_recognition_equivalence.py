"""The leaders', organizations' and projects' lists read from the activities' year totals
(and the ledger only for the distinct volunteers of the groups near the top) equal the
first version's, which summed the whole year's ledger per group (kept here as the oracle),
on random small worlds: ties on minutes broken by volunteers, ties on both, ties at the
cut-off, records over Beijing midnight and New Year, rejected and adjusted records, an
inactive organization, subtrees."""

import itertools
import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import (
    Activity,
    HonourCategory,
    Organization,
    Project,
    RecordStatus,
    UnitKind,
)
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import ledger
from volunteer.services.network import recognition
from volunteer.services.network.minutes import credited_totals
from volunteer.services.network.recognition import Candidate, Criteria

YEAR = 2025
GROUPS = (HonourCategory.LEADER, HonourCategory.ORGANIZATION, HonourCategory.PROJECT)
# Beijing starts: last year, this year, an evening over midnight, New Year's Eve, next year.
STARTS = [
    datetime(YEAR - 1, 6, 1, 9, tzinfo=LOCAL_ZONE),
    datetime(YEAR, 3, 2, 9, tzinfo=LOCAL_ZONE),
    datetime(YEAR, 7, 9, 22, tzinfo=LOCAL_ZONE),
    datetime(YEAR, 12, 31, 23, tzinfo=LOCAL_ZONE),
    datetime(YEAR + 1, 2, 1, 9, tzinfo=LOCAL_ZONE),
]


# ---- the oracle: the first version, every ledger row of the year grouped ----


def oracle(category: HonourCategory, year: int, criteria: Criteria, within) -> list[Candidate]:
    """The group list exactly as first computed (before the activities' year totals)."""
    start, end = recognition._year_bounds(year)
    scope = recognition._subtree(within, Organization.unit_id)
    conditions = [recognition.GROUP_KEYS[category].is_not(None)]
    if scope is not None:
        conditions.append(Activity.organization_id.in_(select(Organization.id).where(scope)))
    totals = credited_totals(recognition.GROUP_KEYS[category], start, end, *conditions)
    eligible = {k: t for k, t in totals.items() if t.minutes >= criteria.group_min_hours * 60}
    names = recognition._group_names(category, list(eligible))
    ranked = recognition._ranked(
        [
            ((-t.minutes, -t.people), Candidate(category, k, *names[k], 0, t))
            for k, t in eligible.items()
            if k in names
        ]
    )
    return [c for c in ranked if c.rank <= criteria.list_size]


# ---- random worlds ----


def _world(rng: random.Random):
    banner = factories.make_unit("WS", "乌审旗")
    towns = [factories.make_unit(f"T{i}", f"镇{i}", banner, UnitKind.TOWN) for i in (1, 2)]
    units = [banner, *towns, towns[0], towns[1]]
    # Equal names order ties by id; one organization is inactive (it is never listed).
    organizations = [
        factories.make_organization(f"服务队{i % 3}号{i}", units[i]) for i in range(len(units))
    ]
    organizations[-1].active = False
    leaders = [factories.make_organizer(organizations[0], name) for name in ("宝音", "宝音", "Bai")]
    projects = [
        Project(organization=o, name=f"项目{i % 2}", starts_on=STARTS[0].date())
        for i, o in enumerate(organizations[:4])
    ]
    db.session.add_all(projects)
    db.session.flush()
    activities = []
    for _index in range(14):
        organization = rng.choice(organizations)
        own = [p for p in projects if p.organization is organization]
        leader = rng.choice([*leaders, None])
        activities.append(
            factories.make_activity(
                organization,
                starts_at=rng.choice(STARTS),
                hours=3,
                created_by_id=leader.id if leader is not None else None,
                project_id=rng.choice(own).id if own and rng.random() < 0.8 else None,
            )
        )
    people = [factories.make_volunteer(f"志愿者{i}") for i in range(9)]
    for volunteer in people:
        _serve(rng, volunteer, activities)
    return banner, towns


def _serve(rng: random.Random, volunteer, activities) -> None:
    """A few records of round minutes (ties are likely); some rejected, some adjusted."""
    for _record in range(rng.randint(1, 6)):
        activity = rng.choice(activities)
        minutes = rng.choice([0, 30, 60, 60, 120, 120, 180])
        offset = timedelta(minutes=rng.choice([0, 0, 30, 90]))
        record = factories.make_record(
            volunteer, activity, minutes, check_in_at=activity.starts_at + offset
        )
        roll = rng.random()
        if roll < 0.15:  # rejected after approval: its credit leaves the ledger
            ledger.clear_credit(record)
            record.status = RecordStatus.REJECTED
        elif roll < 0.3:  # adjusted: credited again, to more or fewer minutes (or none)
            later = rng.choice([0, 30, 60, 240])
            ledger.apply_credit(record, ledger.as_given(record, later))


def _criteria(rng: random.Random) -> Criteria:
    return Criteria(
        group_min_hours=rng.choice([0, 0, 1, 2, 3]), list_size=rng.choice([1, 2, 3, 20])
    )


@pytest.mark.parametrize("seed", range(10))
def test_the_group_rankings_equal_the_first_versions(app, seed):
    rng = random.Random(seed)
    banner, towns = _world(rng)
    db.session.flush()
    for _round in range(4):
        criteria = _criteria(rng)
        for within in (None, banner, *towns):
            for year in (YEAR - 1, YEAR, YEAR + 1):
                for category in GROUPS:
                    expected = oracle(category, year, criteria, within)
                    found = recognition.ranking(category, year, criteria, within)
                    assert found == expected, (category, criteria, within, year)


def test_the_worlds_reach_the_cases_that_matter(app):
    """Ties on minutes broken by volunteers, ties on both, and ties at the cut-off all occur
    (else the comparison proves little)."""
    seen = {"broken": False, "shared": False, "cut_tie": False}
    for seed in range(10):
        _world(random.Random(seed))
        loose = Criteria(group_min_hours=0, list_size=100)
        for category in GROUPS:
            found = oracle(category, YEAR, loose, None)
            for a, b in itertools.pairwise(found):
                same_minutes = a.totals.minutes == b.totals.minutes
                seen["broken"] |= same_minutes and a.rank != b.rank
                seen["shared"] |= same_minutes and a.rank == b.rank
            for size in (1, 2, 3):
                cut = oracle(category, YEAR, replace(loose, list_size=size), None)
                seen["cut_tie"] |= len(cut) > size
        db.session.rollback()
    assert all(seen.values()), seen
