"""Check-in journeys on a 390 px phone screen, in Chinese."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in
from volunteer.extensions import db
from volunteer.models import utcnow

pytestmark = pytest.mark.browser


def test_a_volunteer_scans_the_screen_signs_in_and_is_checked_in(browser, live_server, app):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    activity = factories.make_activity(
        team, starts_at=utcnow() - timedelta(minutes=10), title="文明交通劝导"
    )
    organizer = factories.make_organizer(team, "赵组织")
    volunteer = factories.make_volunteer("巴特尔")
    db.session.commit()

    def phone_context():
        return browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            base_url=live_server,
            is_mobile=True,
            has_touch=True,
        )

    screen_context, phone = phone_context(), phone_context()
    try:
        # The organizer opens the check-in screen.
        screen = screen_context.new_page()
        screen.set_default_timeout(10_000)
        screen.goto(f"/auth/login?next=/checkin/activities/{activity.id}/screen")
        sign_in(screen, organizer.phone)
        screen.wait_for_url(f"**/checkin/activities/{activity.id}/screen")
        assert screen.get_by_test_id("count-in").inner_text() == "0"
        # The QR's URL (what a phone camera would open), as the screen's script learned it.
        link = screen.locator("#screen-scan-link")
        # Playwright's expect, not wait_for_function: the site's CSP refuses string evaluation.
        expect(link).to_have_attribute("href", re.compile("/checkin/s/"))
        scan_url = link.get_attribute("href")
        assert screen.evaluate("document.documentElement.scrollWidth") <= 390

        # The volunteer's phone opens it, is asked to sign in, and comes back checked in.
        page = phone.new_page()
        page.set_default_timeout(10_000)
        page.goto(scan_url)
        assert "/auth/login?next=" in page.url
        assert page.get_by_label("手机号或证件号码").is_visible()
        sign_in(page, volunteer.user.phone)
        result = page.get_by_test_id("scan-result")
        assert result.get_attribute("data-outcome") == "checked_in"
        assert "已签到" in result.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # A second scan a moment later changes nothing and says so.
        page.goto(scan_url)
        assert "本次扫码未做任何更改" in page.get_by_test_id("scan-result").inner_text()

        # The screen's live count picks the volunteer up without a reload.
        expect(screen.get_by_test_id("count-in")).to_have_text("1")
        assert "巴特尔" in screen.locator("#present-list").inner_text()
    finally:
        screen_context.close()
        phone.close()


def test_a_volunteer_types_the_code_when_the_camera_fails(phone_page, app):
    team = factories.make_organization()
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=10))
    volunteer = factories.make_volunteer("其其格")
    db.session.commit()
    from volunteer.services import tokens

    page = phone_page
    page.goto("/checkin/code")
    sign_in(page, volunteer.user.phone)
    page.wait_for_url("**/checkin/code")
    page.get_by_label("6 位签到码").fill(tokens.current_token(activity, utcnow()).code)
    page.get_by_role("button", name="签到 / 签退").click()
    assert page.get_by_test_id("scan-result").get_attribute("data-outcome") == "checked_in"


def test_a_volunteer_signs_up_and_sees_it_under_my_activities(phone_page, app):
    team = factories.make_organization("图克镇志愿服务队")
    factories.make_activity(
        team,
        starts_at=utcnow() + timedelta(days=1),
        title="植树活动",
        capacity=5,
        signup_required=True,
    )
    volunteer = factories.make_volunteer("乌兰")
    db.session.commit()
    page = phone_page
    page.goto("/auth/login?next=/activities/")
    sign_in(page, volunteer.user.phone)
    page.get_by_role("link", name="植树活动").click()
    page.get_by_role("button", name="报名").click()
    assert "报名成功。" in page.get_by_role("alert").inner_text()
    assert page.get_by_text("您已报名本活动，").is_visible()
    page.goto("/activities/mine")
    assert page.get_by_text("植树活动").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
