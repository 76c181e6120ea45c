"""The work unit picker's search: names matched, each unit with its path, bounded, same names
told apart, closed units left out; a typed name or code resolved without JavaScript."""

from tests import factories
from volunteer.extensions import db
from volunteer.models import UnitKind
from volunteer.services import units


def tree():
    """A banner with two towns, each with a village called 新村, and a closed one."""
    banner = factories.make_unit("WS", "乌审旗")
    glt = factories.make_unit("GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    wtl = factories.make_unit("WTL", "乌兰陶勒盖镇", banner, UnitKind.TOWN)
    first = factories.make_unit("GLT-XC", "新村", glt, UnitKind.VILLAGE)
    second = factories.make_unit("WTL-XC", "新村", wtl, UnitKind.VILLAGE)
    closed = factories.make_unit("GLT-OLD", "新村旧址", glt, UnitKind.VILLAGE)
    units.set_unit_active(closed, False)
    return banner, glt, first, second


def test_a_name_part_finds_units_with_their_paths(app):
    _, glt, first, _ = tree()
    hits = units.search_units("嘎鲁")
    assert [(hit.id, hit.label) for hit in hits] == [(glt.id, "嘎鲁图镇")]
    village = next(hit for hit in units.search_units("新村") if hit.id == first.id)
    assert village.path == ("嘎鲁图镇", "新村") and village.label == "嘎鲁图镇 › 新村"


def test_same_names_are_told_apart_and_closed_units_left_out(app):
    tree()
    labels = sorted(hit.label for hit in units.search_units("新村"))
    assert labels == ["乌兰陶勒盖镇 › 新村", "嘎鲁图镇 › 新村"]


def test_the_exact_name_comes_first_and_the_list_is_bounded(app):
    banner = factories.make_unit("WS", "乌审旗")
    for number in range(25):
        factories.make_unit(f"T{number}", f"第{number}号红旗村", banner, UnitKind.VILLAGE)
    factories.make_unit("HQ", "红旗村", banner, UnitKind.VILLAGE)
    hits = units.search_units("红旗村")
    assert len(hits) == units.PICKER_RESULTS == 20
    assert hits[0].name == "红旗村"
    assert len(units.search_units("红旗村", limit=5)) == 5


def test_a_code_finds_its_unit_and_like_wildcards_are_plain_text(app):
    _, glt, _, _ = tree()
    assert [hit.id for hit in units.search_units("glt")] == [glt.id]
    assert units.search_units("%") == [] and units.search_units("_") == []


def test_the_root_is_named_only_as_itself(app):
    banner, *_ = tree()
    assert units.unit_hit(banner).label == "乌审旗"


def test_paths_are_read_in_a_fixed_number_of_statements(app, count_queries):
    banner = factories.make_unit("WS", "乌审旗")
    for number in range(10):
        town = factories.make_unit(f"T{number}", f"第{number}镇", banner, UnitKind.TOWN)
        factories.make_unit(f"V{number}", "红旗村", town, UnitKind.VILLAGE)
    db.session.commit()
    with count_queries() as counted:
        hits = units.search_units("红旗")
    assert len(hits) == 10 and counted.statements <= 2


def test_a_typed_code_or_whole_name_names_one_unit(app):
    _, glt, first, second = tree()
    assert units.find_typed_unit("glt-xc").unit == first
    assert units.find_typed_unit(" 嘎鲁图镇 ").unit == glt
    several = units.find_typed_unit("新村")
    assert several.unit is None and several.exact
    assert {hit.id for hit in several.hits} == {first.id, second.id}
    partial = units.find_typed_unit("嘎鲁")
    assert partial.unit is None and not partial.exact and [h.id for h in partial.hits] == [glt.id]
    assert units.find_typed_unit("新村旧址") == units.TypedUnit(None, [])
