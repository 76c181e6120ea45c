"""On a phone: a coordinator reads the coverage board, nominates a volunteer; the admin approves;
the honour roll shows the name. Every page fits 390 px without sideways scrolling."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tests.browser.helpers import sign_in
from volunteer.extensions import db
from volunteer.models import OrganizationKind, UnitKind
from volunteer.services.network import recognition
from volunteer.services.periods import local_today

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _world():
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    factories.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    factories.make_unit("WS-WSZ", "乌审召镇", banner, UnitKind.TOWN)
    institute = factories.make_organization("嘎鲁图镇新时代文明实践所", town)
    institute.kind = OrganizationKind.PRACTICE_INSTITUTE
    start = max(
        datetime.now(UTC) - timedelta(days=3), datetime(local_today().year, 1, 1, 2, tzinfo=UTC)
    )
    volunteer = factories.make_volunteer("宝音", unit=town)
    factories.make_record(volunteer, factories.make_activity(institute, starts_at=start), 120)
    admin = factories.make_admin()
    recognition.save_criteria(
        local_today().year, recognition.Criteria(min_hours=1, min_participations=1), admin
    )
    coordinator = factories.make_coordinator(banner)
    db.session.commit()
    return coordinator, admin


def test_coverage_nomination_and_honour_roll_on_a_phone(phone_page):
    coordinator, admin = _world()
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, coordinator.phone)
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="阵地队伍").click()
    page.get_by_role("link", name="阵地队伍覆盖").click()
    assert page.locator('[data-total="practice_institute"]').inner_text() == "1"  # 乌审召镇
    assert page.locator('[data-total="practice_station"]').inner_text() == "1"  # 萨如拉嘎查
    _fits(page)
    page.locator("#coverage-table").get_by_role("link", name="嘎鲁图镇").click()
    assert page.locator('[data-total="practice_institute"]').inner_text() == "0"
    assert "萨如拉嘎查" in page.locator("#coverage-gaps").inner_text()
    _fits(page)

    page.goto("/network/recognition")
    volunteers = page.locator('[data-category="volunteer"]')
    volunteers.get_by_text("推荐", exact=True).first.click()
    volunteers.get_by_label("推荐理由").fill("带头参与实践所活动")
    volunteers.get_by_role("button", name="推荐").click()
    assert "推荐已提交审批" in page.content()
    _fits(page)

    page.context.clear_cookies()
    page.goto("/auth/login")
    sign_in(page, admin.phone)
    page.goto("/network/nominations")
    page.get_by_role("button", name="通过").click()
    assert "审批结果已保存" in page.content()
    page.goto("/network/honours")
    roll = page.locator('[data-category="volunteer"]')
    assert "宝音" in roll.inner_text() and "带头参与实践所活动" in roll.inner_text()
    _fits(page)
