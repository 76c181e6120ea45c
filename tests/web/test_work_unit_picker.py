"""The work unit on the register and profile pages: a select on a small tree, a search picker
on a large one (issue 15), which still works without JavaScript, and its JSON search."""

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import _test_config
from tests.web.test_auth import form
from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import UnitKind, Volunteer
from volunteer.services import registration_links, units


@pytest.fixture
def world(app):
    """Two towns, each with a village called 新村; a closed village."""
    banner = factories.make_unit("WS", "乌审旗")
    glt = factories.make_unit("GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    wtl = factories.make_unit("WTL", "乌兰陶勒盖镇", banner, UnitKind.TOWN)
    first = factories.make_unit("GLT-XC", "新村", glt, UnitKind.VILLAGE)
    second = factories.make_unit("WTL-XC", "新村", wtl, UnitKind.VILLAGE)
    closed = factories.make_unit("GLT-OLD", "旧村", glt, UnitKind.VILLAGE)
    units.set_unit_active(closed, False)
    db.session.commit()
    return {"glt": glt, "wtl": wtl, "first": first, "second": second, "closed": closed}


@pytest.fixture
def picker(app, world):
    """The picker on the small tree too (as above WORK_UNIT_SELECT_LIMIT units)."""
    app.config["WORK_UNIT_SELECT_LIMIT"] = 0
    return world


def registered_unit_id(data: dict):
    return db.session.scalar(
        select(Volunteer.unit_id).where(Volunteer.id_number == data["id_number"])
    )


def register(client, **fields):
    data = form(**fields)
    response = client.post("/auth/register", data=data)
    return response, data


def test_a_small_tree_keeps_the_select(client, world):
    page = client.get("/auth/register").get_data(as_text=True)
    assert '<select class="form-select" id="unit_id" name="unit_id">' in page
    assert "search-picker.js" not in page
    response, data = register(client, unit_id=str(world["second"].id))
    assert response.status_code == 302 and registered_unit_id(data) == world["second"].id


@pytest.mark.parametrize("bad", ["abc", "99999", "-1", str(2**63), "１２３", "closed"])
def test_the_select_refuses_a_tampered_or_closed_unit(client, world, bad):
    value = str(world["closed"].id) if bad == "closed" else bad
    response, data = register(client, unit_id=value)
    assert response.status_code == 200
    assert "请从列表中选择工作单位。" in response.get_data(as_text=True)
    assert registered_unit_id(data) is None


def test_a_large_tree_gets_the_picker_not_every_unit(client, app):
    banner = factories.make_unit("WS", "乌审旗")
    towns = [factories.make_unit(f"T{n}", f"第{n}镇", banner, UnitKind.TOWN) for n in range(10)]
    for number in range(290):
        factories.make_unit(f"V{number}", f"第{number}号村", towns[number % 10], UnitKind.VILLAGE)
    db.session.commit()
    assert units.active_unit_count() > app.config["WORK_UNIT_SELECT_LIMIT"]
    page = client.get("/auth/register").get_data(as_text=True)
    assert 'name="unit_id-query"' in page and 'role="listbox"' in page
    assert "search-picker.js" in page and '<option value="' + str(towns[0].id) not in page
    assert sum(f"第{number}号村" in page for number in range(290)) == 0


def test_the_picked_id_registers_the_unit(client, picker):
    second = picker["second"]
    response, data = register(client, unit_id=str(second.id), **{"unit_id-query": "新村"})
    assert response.status_code == 302 and registered_unit_id(data) == second.id


def test_without_javascript_a_code_or_a_whole_name_is_enough(client, picker):
    response, data = register(client, **{"unit_id-query": "wtl-xc"})
    assert response.status_code == 302 and registered_unit_id(data) == picker["second"].id
    response, data = register(client, **{"unit_id-query": "嘎鲁图镇"})
    assert response.status_code == 302 and registered_unit_id(data) == picker["glt"].id


def test_without_javascript_same_names_come_back_to_choose_from(client, picker):
    response, data = register(client, **{"unit_id-query": "新村"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "有多个单位名为“新村”，请选择您的单位。" in page
    assert "嘎鲁图镇 › 新村" in page and "乌兰陶勒盖镇 › 新村" in page
    assert f'name="unit_id-pick" id="unit_id-pick-{picker["first"].id}"' in page
    response, data = register(
        client, **{"unit_id-query": "新村", "unit_id-pick": str(picker["first"].id)}
    )
    assert response.status_code == 302 and registered_unit_id(data) == picker["first"].id


def test_a_part_of_a_name_lists_the_matches(client, picker):
    response, _ = register(client, **{"unit_id-query": "陶勒"})
    page = response.get_data(as_text=True)
    assert "请从下面选择您的单位，或输入更完整的名称。" in page and ">乌兰陶勒盖镇</label>" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit_id-query": "没有这个"}, "没有名称与“没有这个”相近的单位"),
        ({"unit_id-query": "新村", "unit_id-pick": "99999"}, "请从列出的单位中选择一个。"),
        ({"unit_id-query": "新村", "unit_id-pick": "x"}, "请从列出的单位中选择一个。"),
        ({"unit_id-query": "x" * 101}, "最多输入100个字符。"),
        ({"unit_id": "99999", "unit_id-query": "没有这个"}, "没有名称与“没有这个”相近的单位"),
    ],
)
def test_a_bad_unit_is_named_in_chinese(client, picker, fields, message):
    response, data = register(client, **fields)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert registered_unit_id(data) is None


def test_a_closed_unit_is_said_to_be_closed(client, picker):
    closed = picker["closed"]
    response, _ = register(client, unit_id=str(closed.id), **{"unit_id-query": "旧村"})
    assert "“旧村”已停用，请选择其他单位。" in response.get_data(as_text=True)


def test_the_messages_are_in_english_when_asked(client, picker):
    with client.session_transaction() as session:
        session["lang"] = "en"
    response, _ = register(client, **{"unit_id-query": "新村"})
    assert "Several units are named “新村”: choose yours." in response.get_data(as_text=True)


def test_a_tampered_id_yields_to_the_typed_name(client, picker):
    response, data = register(client, unit_id="99999", **{"unit_id-query": "嘎鲁图镇"})
    assert response.status_code == 302 and registered_unit_id(data) == picker["glt"].id


def test_no_unit_and_the_free_text_unit(client, picker):
    response, data = register(client, unit_id="", work_unit_name="旗医院")
    assert response.status_code == 302 and registered_unit_id(data) is None
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.id_number == data["id_number"]))
    assert volunteer.work_unit_name == "旗医院"


def test_a_poster_link_still_files_the_person_under_its_unit(client, picker):
    glt = picker["glt"]
    link = "/auth/register?unit=" + registration_links.unit_token_for_id(glt.id)
    page = client.get(link).get_data(as_text=True)
    assert "将登记到：嘎鲁图镇" in page and 'name="unit_id' not in page
    data = form(unit_id="")
    assert client.post(link, data=data).status_code == 302
    assert registered_unit_id(data) == glt.id


def profile_data(volunteer, **changes) -> dict:
    data = {"name": volunteer.user.name, "phone": volunteer.user.phone, "political_status": "13"}
    return data | changes


def test_the_profile_shows_the_current_unit_with_its_path(client, login_as, picker):
    volunteer = factories.make_volunteer(unit=picker["second"])
    login_as(volunteer.user)
    page = client.get("/me/edit").get_data(as_text=True)
    assert f'name="unit_id" id="unit_id" value="{picker["second"].id}"' in page
    assert 'name="unit_id-query" value="新村"' in page
    assert "已选择：乌兰陶勒盖镇 › 新村" in page


def test_the_profile_keeps_changes_or_clears_the_unit(client, login_as, picker):
    second, first = picker["second"], picker["first"]
    volunteer = factories.make_volunteer(unit=second)
    login_as(volunteer.user)
    unchanged = profile_data(volunteer, unit_id=str(second.id), **{"unit_id-query": "新村"})
    assert client.post("/me/edit", data=unchanged).status_code == 302
    assert volunteer.unit_id == second.id
    picked = profile_data(volunteer, unit_id=str(first.id), **{"unit_id-query": "新村"})
    assert client.post("/me/edit", data=picked).status_code == 302
    assert volunteer.unit_id == first.id
    # Without JavaScript the old id stays in the hidden field while the text changes.
    typed = profile_data(volunteer, unit_id=str(first.id), **{"unit_id-query": "嘎鲁图镇"})
    assert client.post("/me/edit", data=typed).status_code == 302
    assert volunteer.unit_id == picker["glt"].id
    cleared = profile_data(volunteer, unit_id=str(first.id), **{"unit_id-query": ""})
    assert client.post("/me/edit", data=cleared).status_code == 302
    assert volunteer.unit_id is None


def test_the_profile_refuses_a_bad_pick(client, login_as, picker):
    volunteer = factories.make_volunteer(unit=picker["second"])
    login_as(volunteer.user)
    bad = profile_data(volunteer, **{"unit_id-query": "新村", "unit_id-pick": "99999"})
    response = client.post("/me/edit", data=bad)
    assert response.status_code == 200
    assert "请从列出的单位中选择一个。" in response.get_data(as_text=True)
    assert volunteer.unit_id == picker["second"].id


def test_the_profile_select_on_a_small_tree(client, login_as, world):
    volunteer = factories.make_volunteer(unit=world["second"])
    login_as(volunteer.user)
    page = client.get("/me/edit").get_data(as_text=True)
    assert f'<option value="{world["second"].id}" selected>' in page
    changed = profile_data(volunteer, unit_id=str(world["glt"].id))
    assert client.post("/me/edit", data=changed).status_code == 302
    assert volunteer.unit_id == world["glt"].id


def test_the_search_answers_ids_names_and_paths(client, world):
    answer = client.get("/auth/work-units?q=新村").get_json()
    hits = sorted((hit["name"], hit["detail"], hit["label"]) for hit in answer["hits"])
    assert hits == [
        ("新村", "乌兰陶勒盖镇 › 新村", "乌兰陶勒盖镇 › 新村"),
        ("新村", "嘎鲁图镇 › 新村", "嘎鲁图镇 › 新村"),
    ]
    assert {unit["id"] for unit in answer["hits"]} == {world["first"].id, world["second"].id}
    assert client.get("/auth/work-units?q=旧村").get_json() == {"hits": []}  # closed
    assert client.get("/auth/work-units?q=新").get_json() == {"hits": []}  # too short
    assert client.get("/auth/work-units").get_json() == {"hits": []}
    assert client.get("/auth/work-units?q=" + "新" * 101).get_json() == {"hits": []}


def test_the_search_is_rate_limited_per_address(database_url, world):
    limited = create_app(
        {
            **_test_config(database_url),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "UNIT_SEARCH_RATE_LIMIT": "2 per minute",
        }
    )
    try:
        client = limited.test_client()
        statuses = [client.get("/auth/work-units?q=新村").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
    finally:
        with limited.app_context():
            db.engine.dispose()
