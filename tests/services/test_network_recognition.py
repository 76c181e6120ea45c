"""Ranked candidates: ties share a rank, each minimum is inclusive, the subtree limits the list."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from volunteer.extensions import db
from volunteer.models import Certificate, HonourCategory, NominationStatus, UnitKind
from volunteer.services.errors import PermissionDenied, ServiceError
from volunteer.services.network import honours, nominations, projects, recognition
from volunteer.services.network.recognition import Criteria

YEAR = 2025
START = datetime(YEAR, 3, 2, 1, tzinfo=UTC)  # 09:00 Beijing


@pytest.fixture
def world():
    banner = factories.make_unit("WS", "乌审旗")
    towns = [factories.make_unit(f"T{i}", f"镇{i}", banner, UnitKind.TOWN) for i in (1, 2)]
    organization = factories.make_organization("嘎鲁图镇志愿服务队", towns[0])
    return {"banner": banner, "towns": towns, "organization": organization}


def _served(volunteer, organization, *minutes, day=0):
    """Approved records of `minutes` each, one activity per record, on days from START."""
    for index, amount in enumerate(minutes):
        starts = START + timedelta(days=day + index)
        activity = factories.make_activity(organization, starts_at=starts, hours=4)
        factories.make_record(volunteer, activity, amount)


def _person(name, number, unit, organization, *minutes):
    volunteer = factories.make_volunteer(name, unit=unit)
    volunteer.volunteer_number = number
    _served(volunteer, organization, *minutes)
    return volunteer


EDGES = Criteria(min_hours=2, min_participations=2, list_size=2, group_min_hours=1)


@pytest.fixture
def people(world):
    town, organization = world["towns"][0], world["organization"]
    return {
        "top": _person("宝音", "V003", town, organization, 60, 60, 60),  # 180 min, 3 times
        "tie_b": _person("巴特尔", "V002", town, organization, 60, 60),  # exactly the minimums
        "tie_a": _person("阿拉坦", "V001", town, organization, 70, 50),  # the same figures
        "short": _person("其其格", "V004", town, organization, 60, 59),  # 119 min: a minute short
        "once": _person("娜仁", "V005", town, organization, 200),  # one participation only
        "revoked": _person("图雅", "V006", town, organization, 80, 70),  # 150 min, but revoked
    }


def _revoke_a_certificate(volunteer):
    db.session.add(
        Certificate(
            serial="WSZM2025000001",
            volunteer=volunteer,
            period_end=datetime(YEAR, 12, 31).date(),
            total_minutes=150,
            content={},
            revoked_at=datetime(YEAR, 6, 1, tzinfo=UTC),
        )
    )
    db.session.flush()


def _ranks(candidates):
    return [(c.name, c.rank) for c in candidates]


def test_ties_share_a_rank_and_the_minimums_are_inclusive(app, people):
    _revoke_a_certificate(people["revoked"])
    found = recognition.ranking(HonourCategory.VOLUNTEER, YEAR, EDGES)
    # 阿拉坦 and 巴特尔 tie on minutes and participations: both 2nd, listed by volunteer number;
    # the list of 2 places shows both because the tie sits at the cut-off.
    assert _ranks(found) == [("宝音", 1), ("阿拉坦", 2), ("巴特尔", 2)]
    assert found[0].totals.minutes == 180 and found[0].totals.participations == 3


def test_without_the_clean_record_rule_the_revoked_one_ranks(app, people):
    _revoke_a_certificate(people["revoked"])
    criteria = Criteria(min_hours=2, min_participations=2, list_size=5, clean_record=False)
    found = recognition.ranking(HonourCategory.VOLUNTEER, YEAR, criteria)
    assert _ranks(found) == [("宝音", 1), ("图雅", 2), ("阿拉坦", 3), ("巴特尔", 3)]


def test_one_minute_or_one_participation_below_leaves_a_person_out(app, people):
    criteria = Criteria(min_hours=2, min_participations=1, list_size=10)
    names = {c.name for c in recognition.ranking(HonourCategory.VOLUNTEER, YEAR, criteria)}
    assert "娜仁" in names and "其其格" not in names  # 200 min once; 119 min is short
    criteria = Criteria(min_hours=1, min_participations=3, list_size=10)
    names = {c.name for c in recognition.ranking(HonourCategory.VOLUNTEER, YEAR, criteria)}
    assert names == {"宝音"}


def test_the_star_level_counts_cumulative_time_up_to_the_year_end(app, people):
    app.config["STAR_LEVEL_THRESHOLD_HOURS"] = (1, 2, 3, 4, 5)
    criteria = Criteria(min_hours=0, min_participations=0, min_star_level=3, list_size=10)
    found = recognition.ranking(HonourCategory.VOLUNTEER, YEAR, criteria)
    assert {c.name for c in found} == {"宝音", "娜仁"}  # 180 and 200 min: three stars
    assert {c.star_level for c in found} == {3}


def test_time_outside_the_year_does_not_count(app, world, people):
    later = factories.make_activity(
        world["organization"], starts_at=datetime(YEAR + 1, 1, 2, tzinfo=UTC)
    )
    factories.make_record(people["short"], later, 60)
    criteria = Criteria(min_hours=2, min_participations=2, list_size=10)
    names = {c.name for c in recognition.ranking(HonourCategory.VOLUNTEER, YEAR, criteria)}
    assert "其其格" not in names


def test_organizations_rank_by_drawn_hours_then_volunteers(app, world):
    town = world["towns"][0]
    first = factories.make_organization("甲队", town)
    second = factories.make_organization("乙队", town)
    third = factories.make_organization("丙队", town)
    short = factories.make_organization("丁队", town)
    a, b, c = (factories.make_volunteer(n) for n in ("甲", "乙", "丙"))
    _served(a, first, 150)
    _served(b, first, 150)  # 300 min, 2 volunteers
    _served(a, second, 100)
    _served(b, second, 100)
    _served(c, second, 100)  # 300 min, 3 volunteers
    _served(c, third, 300)
    _served(a, third, 0)  # 300 min, 1 volunteer (the 0-minute record is no participation)
    _served(a, short, 299)
    criteria = Criteria(group_min_hours=5, list_size=10)
    found = recognition.ranking(HonourCategory.ORGANIZATION, YEAR, criteria)
    assert _ranks(found) == [("乙队", 1), ("甲队", 2), ("丙队", 3)]
    assert found[2].totals.people == 1


def test_leaders_and_projects_rank_by_the_time_their_activities_drew(app, world):
    organizer = factories.make_organizer(world["organization"], "赵组织")
    project = projects.save_project(
        None,
        world["organization"],
        name="关爱空巢老人",
        description=None,
        starts_on=START.date(),
        ends_on=None,
        actor=organizer,
    )
    activity = factories.make_activity(world["organization"], starts_at=START, hours=4)
    activity.created_by = organizer
    projects.attach_activity(project, activity, 12, organizer)
    factories.make_record(factories.make_volunteer("乌云"), activity, 60)
    criteria = Criteria(group_min_hours=1, list_size=10)
    assert _ranks(recognition.ranking(HonourCategory.LEADER, YEAR, criteria)) == [("赵组织", 1)]
    assert _ranks(recognition.ranking(HonourCategory.PROJECT, YEAR, criteria)) == [
        ("关爱空巢老人", 1)
    ]
    figures = projects.project_figures(project)
    assert (figures.total.minutes, figures.total.people, figures.people_served) == (60, 1, 12)


def test_a_subtree_lists_only_its_own_people(app, world, people):
    elsewhere = _person("额尔敦", "V009", world["towns"][1], world["organization"], 300, 300)
    criteria = Criteria(min_hours=2, min_participations=2, list_size=10)
    in_town = recognition.ranking(HonourCategory.VOLUNTEER, YEAR, criteria, world["towns"][1])
    assert [c.subject_id for c in in_town] == [elsewhere.id]


def test_a_nomination_outside_the_coordinators_subtree_is_refused(app, world, people):
    db.session.flush()
    recognition.save_criteria(YEAR, EDGES, factories.make_admin())
    other_town = world["towns"][1]
    coordinator = factories.make_coordinator(other_town)
    with pytest.raises(PermissionDenied):
        nominations.nominate(
            HonourCategory.VOLUNTEER, people["top"].id, YEAR, world["towns"][0], "好", coordinator
        )
    with pytest.raises(ServiceError, match="候选"):
        nominations.nominate(
            HonourCategory.VOLUNTEER, people["top"].id, YEAR, other_town, "好", coordinator
        )


def test_a_nomination_is_approved_onto_the_honour_roll(app, world, people):
    admin = factories.make_admin()
    recognition.save_criteria(YEAR, EDGES, admin)
    coordinator = factories.make_coordinator(world["towns"][0])
    nomination = nominations.nominate(
        HonourCategory.VOLUNTEER,
        people["top"].id,
        YEAR,
        world["towns"][0],
        "服务时长第一",
        coordinator,
    )
    with pytest.raises(ServiceError):
        nominations.nominate(
            HonourCategory.VOLUNTEER, people["top"].id, YEAR, world["towns"][0], "再次", coordinator
        )
    with pytest.raises(PermissionDenied):
        nominations.decide(nomination, True, None, coordinator)
    nominations.decide(nomination, True, "同意", admin)
    assert nomination.status == NominationStatus.APPROVED
    assert [(e.name, e.unit_name) for e in honours.honour_roll(YEAR)] == [("宝音", "镇1")]
    with pytest.raises(ServiceError):
        nominations.decide(nomination, False, None, admin)
