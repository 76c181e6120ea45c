"""The organization picker's search: only the organizations the user runs (admins: any),
closed ones only where asked, the exact name first, bounded, `%` and `_` taken literally."""

from tests import factories
from volunteer.extensions import db
from volunteer.services import organizations


def teams():
    """Three teams of a town (one closed) and a team of another town, run by its organizer."""
    town = factories.make_unit("GLT", "嘎鲁图镇")
    mine = factories.make_organization("嘎鲁图镇志愿服务队", town)
    youth = factories.make_organization("嘎鲁图镇青年志愿服务队", town)
    closed = factories.make_organization("嘎鲁图镇老年志愿服务队", town)
    closed.active = False
    other = factories.make_organization("图克镇志愿服务队")
    organizer = factories.make_organizer(mine)
    db.session.flush()
    return {"mine": mine, "youth": youth, "closed": closed, "other": other, "organizer": organizer}


def names(hits):
    return [hit.name for hit in hits]


def test_an_organizer_finds_only_the_organizations_they_run(app):
    world = teams()
    organizer = world["organizer"]
    assert names(organizations.search_organized(organizer, "志愿服务队")) == ["嘎鲁图镇志愿服务队"]
    assert organizations.organized_count(organizer) == 1
    assert organizations.organized_organization(organizer, world["other"].id) is None
    assert organizations.organized_organization(organizer, world["mine"].id) is world["mine"]


def test_an_admin_finds_any_active_one_and_closed_ones_only_where_asked(app):
    world = teams()
    admin = factories.make_admin()
    assert names(organizations.search_organized(admin, "嘎鲁图镇")) == [
        "嘎鲁图镇志愿服务队",
        "嘎鲁图镇青年志愿服务队",
    ]
    with_closed = organizations.search_organized(admin, "嘎鲁图镇", active_only=False)
    assert "嘎鲁图镇老年志愿服务队" in names(with_closed)
    assert organizations.organized_count(admin) == 3
    assert organizations.organized_count(admin, active_only=False) == 4
    assert organizations.organized_organization(admin, world["closed"].id) is None
    found = organizations.organized_organization(admin, world["closed"].id, active_only=False)
    assert found is world["closed"]


def test_each_hit_is_labelled_with_its_unit(app):
    teams()
    admin = factories.make_admin()
    hits = {hit.name: hit.label for hit in organizations.search_organized(admin, "志愿服务队")}
    assert hits["嘎鲁图镇志愿服务队"] == "嘎鲁图镇志愿服务队（嘎鲁图镇）"
    assert hits["图克镇志愿服务队"] == "图克镇志愿服务队"  # no unit


def test_the_exact_name_comes_first_and_the_list_is_bounded(app):
    for number in range(25):
        factories.make_organization(f"第{number}红旗志愿服务队")
    factories.make_organization("红旗")
    admin = factories.make_admin()
    hits = organizations.search_organized(admin, "红旗")
    assert len(hits) == organizations.PICKER_RESULTS
    assert hits[0].name == "红旗"


def test_wildcards_typed_are_taken_literally(app):
    factories.make_organization("百分之百%服务队")
    factories.make_organization("百分之百服务队")
    admin = factories.make_admin()
    assert names(organizations.search_organized(admin, "百%")) == ["百分之百%服务队"]
    assert names(organizations.search_organized(admin, "_")) == []


def test_a_typed_whole_name_names_one_organization_else_lists_candidates(app):
    world = teams()
    admin = factories.make_admin()
    exact = organizations.find_typed_organization(admin, " 嘎鲁图镇志愿服务队 ")
    assert exact.organization is world["mine"] and exact.hits == []
    partial = organizations.find_typed_organization(admin, "青年")
    assert partial.organization is None and names(partial.hits) == ["嘎鲁图镇青年志愿服务队"]
    foreign = organizations.find_typed_organization(world["organizer"], "图克镇志愿服务队")
    assert foreign.organization is None and foreign.hits == []
