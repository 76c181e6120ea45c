"""The compliance page shows one unit and its direct sub-units; a search finds units by name."""

import pytest

from tests import factories as f
from volunteer.compliance import table
from volunteer.extensions import db
from volunteer.models import PoliticalStatus, UnitKind

YEAR = 2025
# Issue 15: no compliance page over 200 KB of HTML, whatever the size of the tree.
PAGE_BUDGET = 200_000


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    other_town = f.make_unit("WS-TK", "图克镇", banner, UnitKind.TOWN)
    village = f.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    hamlet = f.make_unit("WS-GLT-SRL-1", "萨如拉一组", village, UnitKind.OTHER)
    far_village = f.make_unit("WS-TK-HL", "呼和嘎查", other_town, UnitKind.VILLAGE)
    f.make_roster_entry(town, name="镇干部")
    f.make_roster_entry(village, name="村干部")
    f.make_roster_entry(hamlet, name="组干部")
    db.session.commit()
    return {
        "banner": banner,
        "town": town,
        "other_town": other_town,
        "village": village,
        "hamlet": hamlet,
        "far_village": far_village,
        "admin": f.make_admin(),
        "coordinator": f.make_coordinator(town),
    }


def page_of(client, unit, **args):
    response = client.get(f"/compliance/units/{unit.id}", query_string={"year": YEAR, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_lists_the_units_own_roster_and_its_children_not_grandchildren(
    client, login_as, world
):
    login_as(world["admin"])
    page = page_of(client, world["banner"])
    assert 'data-unit="WS"' in page and "本单位（本级）" in page
    assert "先列本单位本级名册，再列各下级单位" in page
    assert 'data-unit="WS-GLT"' in page and 'data-unit="WS-TK"' in page
    assert 'data-unit="WS-GLT-SRL"' not in page and 'data-unit="WS-TK-HL"' not in page


def test_a_sub_units_row_counts_everyone_below_it_once(client, login_as, world):
    login_as(world["coordinator"])
    page = page_of(client, world["town"])
    # The village's row holds the village's and the hamlet's people; the town's own row its one.
    village_row = page.split('<tr data-unit="WS-GLT-SRL"')[1].split("</tr>")[0]
    assert '<td class="text-end">2</td>' in village_row
    town_row = page.split('<tr data-unit="WS-GLT"')[1].split("</tr>")[0]
    assert '<td class="text-end">1</td>' in town_row
    assert 'data-unit="WS-GLT-SRL-1"' not in page


def test_a_sub_unit_with_sub_units_opens_its_own_page_on_a_tap(client, login_as, world):
    login_as(world["coordinator"])
    page = page_of(client, world["town"])
    drill = f"/compliance/units/{world['village'].id}?year={YEAR}"
    assert f'href="{drill}" data-drill="WS-GLT-SRL"' in page  # the card's button, the row's name
    assert page.count('data-drill="WS-GLT-SRL"') == 2
    page = page_of(client, world["village"])
    assert 'data-unit="WS-GLT-SRL-1"' in page and "嘎鲁图镇" in page  # in the breadcrumb
    assert 'data-drill="WS-GLT-SRL-1"' not in page  # a leaf: its name opens its missing people


def test_the_search_finds_units_inside_the_coordinators_subtree_only(client, login_as, world):
    login_as(world["coordinator"])
    page = page_of(client, world["town"], q="嘎查")
    found = page.split('id="unit-search-results"')[1].split("</section>")[0]
    assert f'data-found-unit="{world["village"].id}"' in found
    assert f"/compliance/units/{world['village'].id}" in found and "嘎鲁图镇" in found
    assert "呼和嘎查" not in found and "乌审旗" not in found  # outside, and above, their scope
    page = page_of(client, world["town"], q="呼和")
    assert "呼和嘎查" not in page and "没有名称含" in page


def test_an_admin_finds_any_unit_with_its_ancestors_and_a_count_of_the_rest(
    client, login_as, world, monkeypatch
):
    login_as(world["admin"])
    page = page_of(client, world["banner"], q="呼和")
    assert "呼和嘎查" in page and "乌审旗 › 图克镇" in page
    monkeypatch.setattr("volunteer.services.compliance.tree.SEARCH_LIMIT", 1)
    page = page_of(client, world["banner"], q="嘎查")
    found = page.split('id="unit-search-results"')[1].split("</section>")[0]
    assert found.count("data-found-unit") == 1 and "另有 1 个单位" in found


def test_sub_units_beyond_a_page_are_on_the_next_pages(client, login_as, world, monkeypatch):
    for index in range(3):
        f.make_unit(f"WS-GLT-X{index}", f"新村{index}", world["town"], UnitKind.VILLAGE)
    login_as(world["coordinator"])
    monkeypatch.setattr(table, "PAGE_SIZE", 3)
    first = page_of(client, world["town"])
    assert first.count("<tr data-unit=") == 4  # its own row and three sub-units
    assert "第 1 页，共 2 页（4 个下级单位）" in first and "page=2" in first
    second = page_of(client, world["town"], page=2)
    assert 'data-unit="WS-GLT-X2"' in second and 'data-unit="WS-GLT-X1"' not in second
    assert second.count("<tr data-unit=") == 2 and "page=1" in second


def grow(parent, children):
    """`children` sub-units of `parent`, each with a party member and another on its roster
    (neither registered: every figure and the pace shown)."""
    for index in range(children):
        child = f.make_unit(None, f"某某苏木某某嘎查{index}", parent, UnitKind.VILLAGE)
        f.make_roster_entry(child)
        f.make_roster_entry(child, political_status=PoliticalStatus.CPC_MEMBER)


def test_a_page_of_300_sub_units_stays_under_200_kb_however_many_units_lie_below(
    client, login_as, world
):
    grow(world["other_town"], 300)
    for child in world["other_town"].children:
        grow(child, 1)
    login_as(world["admin"])
    shallow = page_of(client, world["other_town"])
    for child in world["other_town"].children:
        grow(child, 3)
    db.session.commit()
    deep = page_of(client, world["other_town"])
    assert len(deep.encode()) < PAGE_BUDGET
    # Only figures change (a digit more or less here and there), never the rows shown.
    assert abs(len(deep) - len(shallow)) < len(shallow) // 100
    assert deep.count("<tr data-unit=") == 1 + table.PAGE_SIZE
