"""The report's subtree totals count each person once, however many entries they have.

The report sums every unit's own entries and takes off what people on more than one
entry add twice (`rollup.repeated_people_overcount`). These tests hold it equal to
collapsing every entry by its ID number, computed here in Python from the rows: over
random rosters where a person has entries on several units, two stints of one roster,
a party status on one entry only, a registration, time short of or past the minimum,
a stint closed before or after the roster day, and a unit closed.
"""

import random
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import CreditEntry, PoliticalStatus, RosterEntry, Unit, UnitKind
from volunteer.services import compliance, periods
from volunteer.services.compliance.figures import Figures

YEAR = 2025
PERIOD = periods.year_period(YEAR)
IN_YEAR = datetime(YEAR, 6, 1, 2, 0, tzinfo=UTC)
STATUSES = (
    PoliticalStatus.MASSES,
    PoliticalStatus.CPC_MEMBER,
    PoliticalStatus.CPC_PROBATIONARY,
    PoliticalStatus.CYL_MEMBER,
)
# Stints (on_from, on_until) around the roster day, 31 December.
STINTS = (
    (date(2024, 1, 1), None),
    (date(2024, 1, 1), date(2025, 3, 1)),  # left before the roster day
    (date(2025, 2, 1), date(2026, 1, 5)),  # left after it: on that day's roster
    (date(2025, 4, 1), None),
)


def collapsed_totals(root: Unit, targets) -> Figures:
    """The subtree's totals from every entry collapsed by ID number, in Python."""
    day = PERIOD.end
    units = {
        unit.id
        for unit in db.session.scalars(select(Unit))
        if unit.active and unit.path.startswith(root.path)
    }
    minutes = dict(
        db.session.execute(
            select(CreditEntry.volunteer_id, func.sum(CreditEntry.minutes))
            .where(CreditEntry.day >= PERIOD.start, CreditEntry.day <= PERIOD.end)
            .group_by(CreditEntry.volunteer_id)
        ).all()
    )
    done = {person for person, total in minutes.items() if total >= max(targets.min_minutes, 1)}
    people: dict[str, list[RosterEntry]] = {}
    for entry in db.session.scalars(select(RosterEntry)):
        on_day = entry.on_from <= day and (entry.on_until is None or entry.on_until > day)
        if on_day and entry.unit_id in units:
            people.setdefault(entry.id_number, []).append(entry)
    counted = []
    for entries in people.values():
        party = any(e.political_status in targets.party_statuses() for e in entries)
        registered = any(e.volunteer_id is not None for e in entries)
        completed = any(e.volunteer_id in done for e in entries)
        counted.append((party, registered, completed))
    return Figures(
        staff=len(counted),
        staff_registered=sum(r for _p, r, _c in counted),
        staff_completed=sum(c for _p, _r, c in counted),
        party=sum(p for p, _r, _c in counted),
        party_registered=sum(p and r for p, r, _c in counted),
        party_completed=sum(p and c for p, _r, c in counted),
    )


def random_rosters(rng: random.Random) -> list[Unit]:
    """A small tree (one unit closed) and 30 people with one to three random entries."""
    root = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)
    units = [
        root,
        town,
        f.make_unit("V1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE),
        f.make_unit("V2", "巴音嘎查", parent=town, kind=UnitKind.VILLAGE),
        f.make_unit("D1", "旗教育局", parent=root),
    ]
    units[3].active = rng.random() < 0.5
    activity = f.make_activity(f.make_organization(), starts_at=IN_YEAR, hours=4)
    for index in range(30):
        volunteer = None
        if rng.random() < 0.6:
            volunteer = f.make_volunteer(name=f"职工{index}")
            minutes = rng.choice((0, 30, 60, 120))
            if minutes:
                f.make_record(volunteer, activity, minutes)
        number = volunteer.id_number if volunteer else f.resident_id()
        places = rng.choices(units, k=rng.choice((1, 1, 2, 3)))  # one unit twice: two stints
        for unit in places:
            on_from, on_until = rng.choice(STINTS)
            if any(e.on_until is None and on_until is None for e in _open_entries(unit, number)):
                on_until = date(2025, 8, 1)  # one open stint per person and unit
            f.make_roster_entry(
                unit,
                name=f"职工{index}",
                id_number=number,
                political_status=rng.choice(STATUSES),
                on_from=on_from,
                on_until=on_until,
            )
    return units


def _open_entries(unit: Unit, number: str) -> list[RosterEntry]:
    return list(
        db.session.scalars(
            select(RosterEntry).where(
                RosterEntry.unit_id == unit.id, RosterEntry.id_number == number
            )
        )
    )


@pytest.mark.parametrize("seed", range(8))
def test_subtree_totals_equal_every_entry_collapsed_by_id_number(app, seed):
    rng = random.Random(seed)
    units = random_rosters(rng)
    shared = db.session.scalar(select(func.count()).where(RosterEntry.id_number_shared))
    assert shared > 0  # the data does put people on several entries
    for min_minutes in (1, 60, 120):
        targets = replace(compliance.targets_for(YEAR), min_minutes=min_minutes)
        for root in (units[0], units[1]):
            report = compliance.compliance_report(root, PERIOD, targets)
            assert report.total == collapsed_totals(root, targets), (root.code, min_minutes)


def test_a_person_with_party_status_on_one_entry_only_counts_once_as_a_party_member(app):
    root = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)
    volunteer = f.make_volunteer()
    f.make_record(volunteer, f.make_activity(f.make_organization(), starts_at=IN_YEAR), 120)
    f.make_roster_entry(root, volunteer)
    entry = f.make_roster_entry(town, volunteer)
    entry.political_status = PoliticalStatus.CPC_MEMBER
    db.session.flush()
    total = compliance.compliance_report(root, PERIOD).total
    assert total == Figures(1, 1, 1, 1, 1, 1)
