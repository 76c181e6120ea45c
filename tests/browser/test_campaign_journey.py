"""The office on a phone opens the campaign page from the menu and prints it on one A4 page."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories
from tests.browser.helpers import axe_problems, sign_in
from volunteer.extensions import db
from volunteer.services import campaign
from volunteer.services.periods import local_today

pytestmark = pytest.mark.browser


def test_the_office_reads_the_campaign_on_a_phone_and_prints_it(phone_page):
    year = local_today().year
    banner = factories.make_unit("WS", "乌审旗")
    department = factories.make_unit("WS-JYJ", "旗教育局", banner)
    factories.make_unit("WS-WJJ", "旗卫计局", banner)  # assessed, no roster: not meeting
    teacher = factories.make_volunteer("高娃")
    factories.make_roster_entry(department, teacher)
    start = datetime(year, 1, 1, 1, tzinfo=UTC)  # 09:00 on 1 January, Beijing
    factories.make_record(teacher, factories.make_activity(factories.make_organization(), start))
    plan = campaign.default_plan(year)
    campaign.save_campaign(
        None,
        name="创建全国县级文明城市三年行动",
        first_year=year,
        weights=[y.weight for y in plan],
        milestones=[y.milestone for y in plan],
        actor=None,
    )
    office = factories.make_coordinator(banner, "文明办")
    db.session.commit()

    page = phone_page
    page.goto("/auth/login")
    sign_in(page, office.phone)
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="创建行动", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("创建全国县级文明城市三年行动")
    # 1 of 2 assessed units meets: 50% of the 80% milestone, 15% × 0.625 = 9.375 -> 9.3%.
    expect(page.locator(f'[data-year="{year}"] [data-figure="share"]')).to_contain_text("50.0%")
    expect(page.locator('[data-total="weighted-progress"]')).to_have_text("9.3%")
    expect(page.locator("#formula")).to_contain_text("加权进度 = Σ 年度权重")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_problems(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="打印 A4（PDF）").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(pdf.pages) == 1 and "9.3%" in pdf.pages[0].extract_text()


def test_an_admin_sets_up_a_four_year_campaign_on_a_phone(phone_page):
    admin = factories.make_admin()
    factories.make_unit("WS", "乌审旗")
    db.session.commit()

    page = phone_page
    page.goto("/auth/login?next=/campaign/settings")
    sign_in(page, admin.phone)
    assert axe_problems(page) == []
    page.get_by_label("创建行动名称").fill("创建全国县级文明城市行动")
    page.get_by_label("年数").fill("4")
    page.get_by_role("button", name="保存创建行动").click()
    expect(page.get_by_text("请填写每一年的权重和阶段目标，然后保存。")).to_be_visible()
    expect(page.locator("fieldset[data-row]")).to_have_count(4)
    page.get_by_role("button", name="保存创建行动").click()
    expect(page.get_by_text("创建行动已保存。")).to_be_visible()
    page.goto("/campaign/")
    expect(page.locator("[data-year]")).to_have_count(4)
