"""An elderly volunteer switches on 长辈版 on a phone; it stays on across pages and sign-in."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import axe_problems, sign_in
from volunteer.extensions import db
from volunteer.models import UnitKind, utcnow
from volunteer.services import tokens
from volunteer.services.periods import local_today

pytestmark = pytest.mark.browser

ROOT_FONT_PX = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
# The smallest chart label as drawn on screen: its font size times the chart's scale.
SMALLEST_CHART_LABEL_PX = """() => {
  const svg = document.querySelector('svg.chart');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...[...svg.querySelectorAll('text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * scale));
}"""


def test_large_text_stays_on_across_pages_and_after_sign_in(phone_page, app):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=10))
    volunteer = factories.make_volunteer("额尔敦")
    db.session.commit()

    page = phone_page
    page.goto("/")
    assert page.evaluate(ROOT_FONT_PX) == 16
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_selector("html.large-text")
    assert page.evaluate(ROOT_FONT_PX) >= 20
    assert page.get_by_role("button", name="标准版").is_visible()

    page.goto("/activities/")
    assert page.evaluate(ROOT_FONT_PX) >= 20
    page.goto("/auth/login?next=/checkin/code")
    assert page.evaluate(ROOT_FONT_PX) >= 20
    sign_in(page, volunteer.user.phone)
    page.wait_for_url("**/checkin/code")
    assert page.evaluate(ROOT_FONT_PX) >= 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The scan button is legible at arm's length.
    button = page.get_by_role("button", name="签到 / 签退")
    assert float(button.evaluate("b => parseFloat(getComputedStyle(b).fontSize)")) >= 32
    assert button.bounding_box()["height"] >= 56

    page.get_by_label("6 位签到码").fill(tokens.current_token(activity, utcnow()).code)
    button.click()
    result = page.get_by_test_id("scan-result")
    assert result.get_attribute("data-outcome") == "checked_in"
    heading = page.get_by_role("heading", name="已签到")
    assert float(heading.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")) >= 48
    assert axe_problems(page) == []

    db.session.refresh(volunteer.user)
    assert volunteer.user.large_text  # the profile remembers it for other devices


def test_a_new_phone_shows_large_text_once_the_volunteer_signs_in(browser, live_server, app):
    volunteer = factories.make_volunteer("额尔敦")
    volunteer.user.large_text = True
    db.session.commit()
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/auth/login")
        assert page.evaluate(ROOT_FONT_PX) == 16
        sign_in(page, volunteer.user.phone)
        assert page.evaluate(ROOT_FONT_PX) >= 20
        page.goto("/records/mine")
        assert page.evaluate(ROOT_FONT_PX) >= 20
        page.get_by_role("button", name="标准版").click()
        expect(page.locator("html")).not_to_have_class(re.compile("large-text"))
        assert page.evaluate(ROOT_FONT_PX) == 16
    finally:
        context.close()


def test_chart_labels_are_12_px_and_larger_in_large_text(phone_page, app):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    coordinator = factories.make_coordinator(town, "钱协调")
    served = factories.make_volunteer("乌云")
    factories.make_roster_entry(town, served)
    start = datetime(local_today().year, 1, 1, 1, tzinfo=UTC)
    activity = factories.make_activity(factories.make_organization(), starts_at=start)
    factories.make_record(served, activity, 90, check_in_at=start + timedelta(minutes=5))
    db.session.commit()

    page = phone_page
    page.goto(f"/auth/login?next=/compliance/units/{town.id}")
    sign_in(page, coordinator.phone)
    assert page.evaluate(SMALLEST_CHART_LABEL_PX) >= 12
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_selector("html.large-text")
    assert page.evaluate(SMALLEST_CHART_LABEL_PX) >= 16
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_problems(page) == []
