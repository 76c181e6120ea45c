"""Coverage board figures against a hand count on a small tree."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from volunteer.extensions import db
from volunteer.models import ActivityStatus, OrganizationKind, UnitKind
from volunteer.services import organizations
from volunteer.services.errors import ServiceError
from volunteer.services.network import coverage

NOW = datetime(2026, 6, 30, 4, tzinfo=UTC)


def _org(name, unit, kind, active=True):
    organization = factories.make_organization(name, unit)
    organization.kind, organization.active = kind, active
    db.session.flush()
    return organization


@pytest.fixture
def tree():
    """Banner; two towns (one with an institute), villages; two departments (one with a team)."""
    banner = factories.make_unit("WS", "乌审旗")
    glt = factories.make_unit("GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    wsz = factories.make_unit("WSZ", "乌审召镇", banner, UnitKind.TOWN)
    v1 = factories.make_unit("V1", "一村", glt, UnitKind.VILLAGE)
    v2 = factories.make_unit("V2", "二村", glt, UnitKind.VILLAGE)
    c1 = factories.make_unit("C1", "一社区", wsz, UnitKind.COMMUNITY)
    edu = factories.make_unit("EDU", "教育局", banner, UnitKind.GOVERNMENT_DEPARTMENT)
    factories.make_unit("FIN", "财政局", banner, UnitKind.GOVERNMENT_DEPARTMENT)
    factories.make_unit("ENT", "某公司", banner, UnitKind.ENTERPRISE)  # expects nothing
    institute = _org("嘎鲁图镇新时代文明实践所", glt, OrganizationKind.PRACTICE_INSTITUTE)
    station = _org("一村新时代文明实践站", v1, OrganizationKind.PRACTICE_STATION)
    _org("二村旧实践站", v2, OrganizationKind.PRACTICE_STATION, active=False)  # does not count
    team = _org("教育局志愿服务队", edu, OrganizationKind.UNIT_TEAM)
    _org("乌审召镇其他队", wsz, OrganizationKind.OTHER)  # not an institute
    factories.make_activity(institute, starts_at=NOW - timedelta(days=3))
    factories.make_activity(station, starts_at=NOW - timedelta(days=31))  # just outside 30 days
    factories.make_activity(team, starts_at=NOW - timedelta(days=29))
    factories.make_activity(team, starts_at=NOW + timedelta(days=1))
    return {"banner": banner, "glt": glt, "wsz": wsz, "c1": c1}


def test_the_banner_board_matches_a_hand_count(app, tree):
    board = coverage.coverage_board(tree["banner"], NOW)
    # Institutes: 乌审召镇 lacks one. Stations: 二村 (its station is inactive) and 一社区.
    # Teams: 财政局. Idle: 一村's station (31 days) and 乌审召镇其他队 (never).
    assert board.total.counts == {
        "practice_institute": 1,
        "practice_station": 2,
        "unit_team": 1,
        "idle": 2,
    }
    gaps = {(gap.unit.code, gap.missing.value) for gap in board.gaps}
    assert gaps == {
        ("WSZ", "practice_institute"),
        ("V2", "practice_station"),
        ("C1", "practice_station"),
        ("FIN", "unit_team"),
    }
    assert sorted(item.name for item in board.idle) == ["一村新时代文明实践站", "乌审召镇其他队"]


def test_sub_units_carry_the_counts_of_their_subtrees(app, tree):
    board = coverage.coverage_board(tree["banner"], NOW)
    by_code = {row.unit.code: row for row in board.children}
    assert by_code["GLT"].counts == {"practice_station": 1, "idle": 1}
    assert by_code["GLT"].has_children and not by_code["EDU"].has_children
    assert by_code["WSZ"].counts == {"practice_institute": 1, "practice_station": 1, "idle": 1}
    assert by_code["FIN"].counts == {"unit_team": 1}
    assert by_code["ENT"].counts == {}


def test_drilling_down_shows_only_that_subtree(app, tree):
    board = coverage.coverage_board(tree["glt"], NOW)
    assert board.total.counts == {"practice_station": 1, "idle": 1}
    assert [row.unit.code for row in board.children] == ["V1", "V2"]


def test_a_cancelled_activity_does_not_keep_a_team_alive(app, tree):
    board = coverage.coverage_board(tree["glt"], NOW + timedelta(days=28))
    assert board.total.counts["idle"] == 2
    institute = next(o for o in organizations.all_organizations() if o.unit_id == tree["glt"].id)
    activity = factories.make_activity(institute, starts_at=NOW + timedelta(days=20))
    activity.status = ActivityStatus.CANCELLED
    db.session.flush()
    assert coverage.coverage_board(tree["glt"], NOW + timedelta(days=28)).total.counts["idle"] == 2


def test_the_idle_window_is_a_setting(app, tree):
    app.config["NETWORK_IDLE_DAYS"] = 40
    assert coverage.coverage_board(tree["banner"], NOW).total.counts["idle"] == 1


def test_expectations_are_configurable_per_unit_kind(app, tree):
    app.config["NETWORK_EXPECTATIONS"] = {"enterprise": ("unit_team",)}
    board = coverage.coverage_board(tree["banner"], NOW)
    assert {(g.unit.code, g.missing.value) for g in board.gaps} == {("ENT", "unit_team")}


def test_an_institute_must_sit_in_a_town(app, tree):
    with pytest.raises(ServiceError, match="苏木镇"):
        organizations.save_organization(
            None,
            name="错位的实践所",
            unit=tree["c1"],
            kind=OrganizationKind.PRACTICE_INSTITUTE,
            description=None,
            contact_name=None,
            contact_phone=None,
        )
    saved = organizations.save_organization(
        None,
        name="一社区新时代文明实践站",
        unit=tree["c1"],
        kind=OrganizationKind.PRACTICE_STATION,
        description=None,
        contact_name=None,
        contact_phone=None,
    )
    assert saved.kind == OrganizationKind.PRACTICE_STATION
    assert coverage.coverage_board(tree["wsz"], NOW).total.counts.get("practice_station", 0) == 0
