"""A coordinator on a phone sees who will not make it, reads the pace over another window,
and sees the projection drawn on the rates-over-time chart."""

import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in
from volunteer.extensions import db
from volunteer.models import UnitKind
from volunteer.services import periods
from volunteer.services.compliance import history

pytestmark = pytest.mark.browser

YEAR = 2025
TODAY = date(YEAR, 6, 1)


@pytest.fixture
def town(app, monkeypatch):
    """On 1 June the town has 4 completions in late May; its village has none."""
    for module in (periods, history):
        monkeypatch.setattr(module, "local_today", lambda now=None: TODAY)
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    village = factories.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    start = datetime(YEAR, 5, 25, 2, tzinfo=UTC)
    activity = factories.make_activity(factories.make_organization(), starts_at=start)
    for _ in range(4):
        volunteer = factories.make_volunteer()
        factories.make_roster_entry(town, volunteer)
        factories.make_record(volunteer, activity, 60)
    for _ in range(6):
        factories.make_roster_entry(town)
    factories.make_roster_entry(village)
    town.coordinator = factories.make_coordinator(town, "钱协调")
    db.session.commit()
    return town


def test_coordinator_sees_units_at_risk_and_the_projection_on_a_phone(phone_page, town):
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, town.coordinator.phone)
    page.goto(f"/compliance/units/{town.id}?year={YEAR}")
    pace = page.locator("#pace")
    expect(pace).to_contain_text("（30 天）")
    expect(page.locator('#at-risk [data-at-risk="WS-GLT-SRL"]')).to_contain_text(
        "按当前进度年底前无法达标"
    )
    expect(page.locator('[data-card-unit="WS-GLT"] [data-card-pace]')).to_contain_text("预计")

    page.get_by_label("进度测算区间").select_option("14")
    pace.get_by_role("button", name="查看").click()
    expect(pace).to_contain_text("2025-05-19 至 2025-06-01（14 天）")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    chart = page.get_by_role("img", name="达标率变化", exact=False)
    expect(chart).to_have_attribute("src", re.compile(r"history\.svg\?year=2025&window=14$"))
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_js_property("complete", True)
    assert chart.evaluate("image => image.naturalWidth") > 0
