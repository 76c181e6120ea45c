"""The organization picker (past ORGANIZATION_SELECT_LIMIT organizations), on a phone: an
admin types part of a team's name, taps it in the list, and the project is saved for it; axe
finds nothing serious with the list open; closed teams are not offered."""

import pytest
from sqlalchemy import select

from tests import factories
from tests.browser.helpers import axe_problems, sign_in
from volunteer.extensions import db
from volunteer.models import Project

pytestmark = pytest.mark.browser


def test_an_admin_types_part_of_a_name_and_taps_the_team(app, phone_page):
    app.config["ORGANIZATION_SELECT_LIMIT"] = 0  # these few teams count as many
    town = factories.make_unit("GLT", "嘎鲁图镇")
    factories.make_organization("嘎鲁图镇志愿服务队", town)
    youth = factories.make_organization("嘎鲁图镇青年志愿服务队", town)
    factories.make_organization("嘎鲁图镇青年突击队").active = False
    admin = factories.make_admin()
    db.session.commit()
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, admin.phone)
    page.goto("/network/projects/new")
    assert page.locator("select#organization_id").count() == 0
    box = page.get_by_role("combobox", name="志愿服务组织", exact=True)
    box.press_sequentially("青年")
    found = page.get_by_role("listbox", name="匹配的组织")
    options = found.get_by_role("option")
    options.first.wait_for()
    assert options.all_inner_texts() == ["嘎鲁图镇青年志愿服务队\n嘎鲁图镇"]
    assert not axe_problems(page)
    options.first.tap()
    assert found.is_hidden() and box.input_value() == "嘎鲁图镇青年志愿服务队"
    assert page.locator("#organization_id-chosen").inner_text() == (
        "已选择：嘎鲁图镇青年志愿服务队（嘎鲁图镇）"
    )
    page.get_by_label("名称", exact=True).fill("关爱空巢老人")
    page.get_by_label("开始日期").fill("2026-01-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/network/projects/*")
    project = db.session.scalar(select(Project).where(Project.name == "关爱空巢老人"))
    assert project.organization_id == youth.id
