"""Each roster entry's volunteer_id is the volunteer registered with its ID number, kept
exact at every write: uploads, registrations, a changed ID number, a deleted volunteer.
Likewise its id_number_shared mark: set on every entry of a number more than one carries."""

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import RosterEntry, UnitKind, Volunteer
from volunteer.services import compliance, periods, rosters
from volunteer.services.rosters import linking

MARCH = datetime(2025, 3, 10, 2, tzinfo=UTC)


@pytest.fixture
def town(app):
    root = f.make_unit("WS", "乌审旗")
    return f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)


def upload(unit, rows, replace=False, now=MARCH):
    checked = rosters.check_roster(
        csv_bytes(rows), "名册.csv", unit=unit, may_upload_for=lambda _unit: True
    )
    assert checked.ok, checked.errors
    return rosters.apply_roster(checked, actor=None, replace=replace, now=now)


def row(index: int, id_number: str, status: str) -> list[str]:
    return person(f"职工{index}", id_number, f"1390000{index:04d}", status)


def links() -> dict[int, int | None]:
    """Every entry's stored volunteer_id, read from the database."""
    db.session.expire_all()
    return dict(db.session.execute(select(RosterEntry.id, RosterEntry.volunteer_id)).all())


def id_number_matches() -> dict[int, int | None]:
    """Every entry's volunteer by ID number: what volunteer_id must equal."""
    matched = (
        select(RosterEntry.id, Volunteer.id)
        .select_from(RosterEntry)
        .outerjoin(Volunteer, Volunteer.id_number == RosterEntry.id_number)
    )
    return dict(db.session.execute(matched).all())


def shared_marks() -> dict[int, bool]:
    """Every entry's stored id_number_shared mark."""
    db.session.expire_all()
    return dict(db.session.execute(select(RosterEntry.id, RosterEntry.id_number_shared)).all())


def numbers_on_several_entries() -> dict[int, bool]:
    """Every entry: whether its ID number is on another entry too (what the mark must be)."""
    entries = db.session.execute(select(RosterEntry.id, RosterEntry.id_number)).all()
    counts = Counter(number for _id, number in entries)
    return {entry_id: counts[number] > 1 for entry_id, number in entries}


def entry_of(id_number: str) -> list[RosterEntry]:
    return list(db.session.scalars(select(RosterEntry).where(RosterEntry.id_number == id_number)))


def test_an_upload_links_the_people_already_registered_and_leaves_the_others_unlinked(town):
    volunteer = f.make_volunteer(name="巴特尔")
    stranger = f.resident_id()
    upload(
        town,
        [person("巴特尔", volunteer.id_number, f.phone()), person("未注册", stranger, f.phone())],
    )
    assert [entry.volunteer_id for entry in entry_of(volunteer.id_number)] == [volunteer.id]
    assert [entry.volunteer_id for entry in entry_of(stranger)] == [None]


def test_registering_links_the_persons_entries_on_every_roster_and_every_stint(town):
    village = f.make_unit("T1-1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)
    number = f.resident_id()
    f.make_roster_entry(town, id_number=number, on_until=MARCH.date())  # an old stint
    f.make_roster_entry(town, id_number=number, on_from=MARCH.date())
    f.make_roster_entry(village, id_number=number)
    other = f.make_roster_entry(village)
    assert {entry.volunteer_id for entry in entry_of(number)} == {None}
    volunteer = f.make_volunteer(id_number=number)
    assert links() == {**{entry.id: volunteer.id for entry in entry_of(number)}, other.id: None}


def test_a_registration_is_on_the_compliance_report_at_once(town):
    number = f.resident_id()
    upload(town, [person("其其格", number, f.phone())])
    year = periods.year_period(MARCH.year)
    before = compliance.compliance_report(town, year).total
    f.make_volunteer(name="其其格", id_number=number)
    after = compliance.compliance_report(town, year).total
    assert (before.staff_registered, after.staff_registered) == (0, 1)


def test_a_corrected_id_number_moves_the_link_from_the_old_numbers_entries_to_the_new(town):
    volunteer = f.make_volunteer()
    old = volunteer.id_number
    mistyped = f.make_roster_entry(town, volunteer)
    right_number = f.resident_id(male=False)
    listed = f.make_roster_entry(town, id_number=right_number)
    volunteer.id_number = right_number  # as a correction of the number would
    linking.link_id_numbers([old, right_number])
    assert links() == {mistyped.id: None, listed.id: volunteer.id}


def test_deleting_a_volunteer_unlinks_their_entries(town):
    volunteer = f.make_volunteer()
    entry = f.make_roster_entry(town, volunteer)
    db.session.delete(volunteer)
    db.session.flush()
    assert links() == {entry.id: None}


@pytest.mark.parametrize("seed", range(6))
def test_after_any_mix_of_uploads_registrations_and_deletions_every_link_is_the_id_match(
    town, seed
):
    rng = random.Random(seed)
    units = [town, f.make_unit("T1-1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)]
    pool = [f.resident_id(male=bool(i % 2)) for i in range(8)]
    registered: dict[str, Volunteer] = {}
    for step in range(14):
        action = rng.choice(("upload", "upload", "register", "delete"))
        if action == "upload":
            listed = rng.sample(pool, rng.randint(1, 5))
            rows = [row(pool.index(n), n, rng.choice(("群众", "中共党员"))) for n in listed]
            moment = MARCH + timedelta(days=step // 3)  # some uploads on the same day
            upload(rng.choice(units), rows, replace=rng.random() < 0.5, now=moment)
        elif action == "register" and len(registered) < len(pool):
            number = rng.choice([n for n in pool if n not in registered])
            registered[number] = f.make_volunteer(id_number=number)
        elif action == "delete" and registered:
            number = rng.choice(sorted(registered))
            db.session.delete(registered.pop(number))
            db.session.flush()
        assert links() == id_number_matches(), f"after step {step} ({action})"
        assert shared_marks() == numbers_on_several_entries(), f"after step {step} ({action})"


def test_an_upload_marks_a_person_on_a_second_roster_or_stint_shared_and_no_one_else(town):
    village = f.make_unit("T1-1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)
    both, renewed, alone = (f.resident_id() for _ in range(3))
    upload(town, [row(1, both, "群众"), row(2, renewed, "群众")])
    upload(village, [row(1, both, "群众"), row(3, alone, "群众")])
    later = MARCH + timedelta(days=2)  # a new status starts a second stint of one roster
    upload(town, [row(1, both, "群众"), row(2, renewed, "中共党员")], now=later)
    marks = {entry.id: entry.id_number for entry in db.session.scalars(select(RosterEntry))}
    shared = {marks[entry_id] for entry_id, mark in shared_marks().items() if mark}
    assert shared == {both, renewed}
    assert len(entry_of(renewed)) == 2


def test_missing_people_of_a_subtree_sum_a_person_on_two_rosters_once(town):
    """Someone on the town's and a village's roster with 40 of 60 minutes is still short."""
    village = f.make_unit("T1-1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)
    volunteer = f.make_volunteer(name="巴特尔")
    for unit in (town, village):
        f.make_roster_entry(unit, volunteer)
    year = periods.year_period(MARCH.year)
    f.make_record(volunteer, f.make_activity(f.make_organization(), starts_at=MARCH), 40)
    targets = replace(compliance.targets_for(year.year), min_minutes=60)
    short = compliance.missing_people(town, year, targets, subtree=True)
    assert [(p.name, p.minutes) for p in short] == [("巴特尔", 40), ("巴特尔", 40)]
