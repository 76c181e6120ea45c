"""A coordinator prints a unit's poster; a newcomer scans it, registers, and counts at once."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in
from tests.certificate_support import qr_texts
from volunteer.extensions import db
from volunteer.models import UnitKind

pytestmark = pytest.mark.browser


def test_a_newcomer_registers_through_the_poster_and_the_town_counts_them(
    browser, phone_page, live_server
):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    coordinator = factories.make_coordinator(town, "钱协调")
    newcomer_id = factories.resident_id(date(1991, 2, 3))
    factories.make_roster_entry(town, name="巴特尔", id_number=newcomer_id)
    db.session.commit()

    page = phone_page
    page.goto("/auth/login")
    sign_in(page, coordinator.phone)
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="达标情况").click()
    card = page.locator('#compliance-cards [data-card-unit="WS-GLT"]')
    card.get_by_text("详情").click()
    expect(card.locator("dd").nth(1)).to_have_text("0")
    poster = page.request.get(page.get_by_test_id("poster").get_attribute("href"))
    assert poster.headers["content-type"] == "application/pdf"
    (link,) = qr_texts(poster.body())
    assert link.startswith(live_server + "/auth/register?unit=")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    newcomer = phone.new_page()
    newcomer.goto(link)
    expect(newcomer.locator("#poster-unit")).to_contain_text("将登记到：嘎鲁图镇")
    expect(newcomer.get_by_label("工作单位", exact=True)).to_have_count(0)
    newcomer.get_by_label("真实姓名").fill("巴特尔")
    newcomer.get_by_label("证件号码").fill(newcomer_id)
    newcomer.get_by_label("手机号码").fill(factories.phone())
    newcomer.get_by_label("密码", exact=True).fill("volunteer-pw-1")
    newcomer.get_by_label("再次输入密码").fill("volunteer-pw-1")
    newcomer.get_by_label("政治面貌").select_option("13")
    newcomer.get_by_label("我已阅读并同意隐私声明").check()
    newcomer.get_by_role("button", name="注册").click()
    newcomer.wait_for_url("**/me/")
    expect(newcomer.get_by_text("嘎鲁图镇", exact=True)).to_be_visible()
    phone.close()

    page.reload()
    card.get_by_text("详情").click()
    expect(card.locator("dd").nth(1)).to_have_text("1")
