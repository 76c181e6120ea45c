"""The work unit picker on a large tree (above WORK_UNIT_SELECT_LIMIT units), on a phone:
typing finds units shown with their paths, the keyboard or a tap picks one, and axe finds
nothing serious with the list open."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.browser.helpers import axe_problems, sign_in
from volunteer.extensions import db
from volunteer.models import UnitKind, Volunteer

pytestmark = pytest.mark.browser


@pytest.fixture
def large_tree(app):
    """Over 200 units; two towns each have a village called 新村."""
    banner = factories.make_unit("WS", "乌审旗")
    glt = factories.make_unit("GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    wtl = factories.make_unit("WTL", "乌兰陶勒盖镇", banner, UnitKind.TOWN)
    first = factories.make_unit("GLT-XC", "新村", glt, UnitKind.VILLAGE)
    second = factories.make_unit("WTL-XC", "新村", wtl, UnitKind.VILLAGE)
    for number in range(app.config["WORK_UNIT_SELECT_LIMIT"]):
        factories.make_unit(f"V{number}", f"第{number}嘎查", glt, UnitKind.VILLAGE)
    db.session.commit()
    return {"glt": glt, "first": first, "second": second}


def test_a_newcomer_types_and_picks_the_village_with_the_keyboard(phone_page, large_tree):
    page = phone_page
    page.goto("/auth/register")
    assert page.locator("select#unit_id").count() == 0
    box = page.get_by_role("combobox", name="工作单位", exact=True)
    box.press_sequentially("新村")
    options = page.get_by_role("listbox", name="匹配的单位").get_by_role("option")
    options.first.wait_for()
    assert sorted(options.all_inner_texts()) == sorted(
        ["新村\n乌兰陶勒盖镇 › 新村", "新村\n嘎鲁图镇 › 新村"]
    )
    assert not axe_problems(page)
    wanted = options.all_inner_texts().index("新村\n乌兰陶勒盖镇 › 新村")
    for _ in range(wanted + 1):
        box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == f"unit_id-listbox-{wanted}"
    box.press("Enter")
    assert page.get_by_role("listbox", name="匹配的单位").is_hidden()
    assert page.locator("#unit_id-chosen").inner_text() == "已选择：乌兰陶勒盖镇 › 新村"
    assert page.locator("#unit_id").input_value() == str(large_tree["second"].id)

    id_number = factories.resident_id(date(1991, 2, 3))
    page.get_by_label("真实姓名").fill("巴特尔")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("手机号码").fill(factories.phone())
    page.get_by_label("密码", exact=True).fill("volunteer-pw-1")
    page.get_by_label("再次输入密码").fill("volunteer-pw-1")
    page.get_by_label("政治面貌").select_option("13")
    page.get_by_label("我已阅读并同意隐私声明").check()
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/me/")
    unit_id = db.session.scalar(select(Volunteer.unit_id).where(Volunteer.id_number == id_number))
    assert unit_id == large_tree["second"].id


def test_a_volunteer_sees_their_unit_and_taps_another(phone_page, large_tree):
    volunteer = factories.make_volunteer("其木格", large_tree["first"])
    db.session.commit()
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, volunteer.user.phone)
    page.goto("/me/edit")
    box = page.get_by_role("combobox", name="工作单位", exact=True)
    assert box.input_value() == "新村"
    assert page.locator("#unit_id-chosen").inner_text() == "已选择：嘎鲁图镇 › 新村"
    box.fill("")
    box.press_sequentially("嘎鲁图")
    found = page.get_by_role("listbox", name="匹配的单位")
    found.get_by_role("option", name="嘎鲁图镇").first.tap()
    assert box.input_value() == "嘎鲁图镇"
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/me/")
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).unit_id == large_tree["glt"].id
