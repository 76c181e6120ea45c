"""Pages of staff lists: counted in SQL, a page's rows by LIMIT/OFFSET, asked pages clamped."""

from datetime import date

from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import Unit
from volunteer.services import paging, units


def test_a_query_is_counted_whole_and_fetched_a_page_at_a_time(app):
    banner = factories.make_unit("WS", "乌审旗")
    for n in range(5):
        factories.make_unit(f"WS-{n}", f"镇{n}", banner)
    db.session.flush()
    towns = select(Unit).where(Unit.parent_id == banner.id).order_by(Unit.code)
    second = paging.page_of_query(towns, 2, size=2)
    assert (second.number, second.pages, second.total) == (2, 3, 5)
    assert [unit.name for unit in second.items] == ["镇2", "镇3"]
    assert paging.page_of_query(towns, 99, size=2).items[0].name == "镇4"  # the last page
    assert paging.page_of_query(towns, -3, size=2).number == 1


def test_a_level_of_the_unit_tree_counts_each_units_sub_units(app):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-A", "甲镇", banner)
    factories.make_unit("WS-B", "乙镇", banner)
    for n in range(3):
        factories.make_unit(f"WS-A-{n}", f"村{n}", town)
    db.session.flush()
    level = units.unit_level(banner, None)
    assert [(line.unit.name, line.children) for line in level.items] == [("甲镇", 3), ("乙镇", 0)]
    assert [line.unit.name for line in units.unit_level(None, None).items] == ["乌审旗"]
    assert [a.name for a in units.ancestors(db.session.get(Unit, level.items[0].unit.id))] == [
        "乌审旗"
    ]


def test_an_empty_list_is_one_empty_page():
    page = paging.page_of_list([], 5)
    assert (page.items, page.number, page.pages, page.total) == ([], 1, 1, 0)


def test_days_are_whole_beijing_days(app):
    since, until = paging.within_days(Unit.created_at, date(2026, 3, 1), date(2026, 3, 1))
    assert since.right.value.isoformat() == "2026-02-28T16:00:00+00:00"
    assert until.right.value.isoformat() == "2026-03-01T16:00:00+00:00"
