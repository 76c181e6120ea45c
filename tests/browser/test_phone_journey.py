"""Issue 11 on a 390 px phone in Chinese: from the first scan to checked in, home while
serving, the one-tap certificate, a password reset from a coordinator's link, and the
in-site scanner reading a real camera image with the vendored decoder."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests import certificate_support as support
from tests import factories
from tests.browser.fake_camera import write_y4m
from tests.browser.helpers import sign_in
from tests.conftest import CHROMIUM_ARGS, _chromium_path
from volunteer.extensions import db
from volunteer.models import RecordStatus, utcnow
from volunteer.services import checkin, tokens

pytestmark = pytest.mark.browser

NO_BARCODE_DETECTOR = "delete window.BarcodeDetector;"


def _activity(title="文明交通劝导"):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    return factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=10), title=title)


def _scan_url(live_server: str, activity) -> str:
    step = tokens.step_at(utcnow())
    return f"{live_server}/checkin/s/{activity.id}/{step}/{tokens.code_for(activity, step)}"


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_new_person_goes_from_the_qr_to_checked_in(phone_page, live_server, app):
    activity = _activity()
    db.session.commit()
    page = phone_page
    page.goto(_scan_url(live_server, activity))
    assert page.get_by_test_id("pending-scan").inner_text() == "登录后为您签到：『文明交通劝导』"
    page.get_by_role("link", name="注册成为志愿者").last.click()
    assert "登录后为您签到：『文明交通劝导』" in page.get_by_test_id("pending-scan").inner_text()
    page.get_by_label("真实姓名").fill("巴特尔")
    page.get_by_label("证件号码").fill(factories.resident_id(date(1991, 2, 3)))
    page.get_by_label("手机号码").fill(factories.phone())
    page.get_by_label("政治面貌").select_option("13")  # required: nobody defaults to a member
    page.get_by_label("密码", exact=True).fill("volunteer-pw-1")
    page.get_by_label("再次输入密码").fill("volunteer-pw-1")
    page.get_by_label("我已阅读并同意隐私声明").check()
    page.get_by_role("button", name="注册").click()
    result = page.get_by_test_id("scan-result")
    assert result.get_attribute("data-outcome") == "checked_in"
    assert "已签到" in result.inner_text()
    assert _fits_the_phone(page)


def test_home_while_checked_in_shows_the_serving_banner_and_figures(phone_page, app):
    activity = _activity("清扫街道")
    volunteer = factories.make_volunteer("乌兰")
    factories.make_record(volunteer, activity, minutes=0, status=RecordStatus.OPEN)
    factories.make_record(volunteer, activity, minutes=150, check_in_at=support.this_year_moment(3))
    db.session.commit()
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, volunteer.user.phone)
    banner = page.get_by_test_id("serving-banner")
    assert banner.inner_text().startswith("正在服务：『清扫街道』 自 ")
    assert banner.get_by_role("link", name="签退").is_visible()
    assert "2.5" in page.get_by_test_id("home-hours").inner_text()
    assert "再服务 97.5 小时升至 1 星" in page.get_by_test_id("home-hours").inner_text()
    assert _fits_the_phone(page)


def test_this_year_s_certificate_in_one_tap(phone_page, app):
    support.set_issuer()
    volunteer = factories.make_volunteer("其木格")
    factories.make_record(volunteer, _activity(), 150, check_in_at=support.this_year_moment(3))
    db.session.commit()
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, volunteer.user.phone)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="本年度证明").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert "其木格" in support.pdf_text(pdf)


def test_a_volunteer_resets_the_password_from_a_coordinator_s_link(browser, live_server, app):
    town = factories.make_unit("WS", "乌审旗")
    coordinator = factories.make_coordinator(town, "钱协调")
    volunteer = factories.make_volunteer("忘密码的人", unit=town)
    db.session.commit()
    contexts = [
        browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            base_url=live_server,
            is_mobile=True,
            has_touch=True,
        )
        for _ in range(2)
    ]
    try:
        desk, phone = (context.new_page() for context in contexts)
        desk.goto("/auth/login?next=/auth/resets")
        sign_in(desk, coordinator.phone)
        desk.get_by_label("手机号或姓名").fill("忘密码")
        desk.get_by_role("button", name="搜索").click()
        desk.get_by_role("button", name="生成重置码").click()
        link = desk.get_by_test_id("reset-link").inner_text()
        assert _fits_the_phone(desk)

        phone.goto(link)
        phone.get_by_label("新密码", exact=True).fill("fresh-pass-7")
        phone.get_by_label("再次输入新密码").fill("fresh-pass-7")
        phone.get_by_role("button", name="设置新密码").click()
        assert "新密码已设置。" in phone.get_by_role("alert").inner_text()
        assert phone.get_by_test_id("home-scan").is_visible()
        assert volunteer.user.name in phone.get_by_role("navigation").text_content()
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def camera_browser(browser, tmp_path):
    """Launch a Chromium whose camera films the QR code of the text given (a browser of its
    own, since the fake camera's file is fixed at launch), through the session's Playwright."""
    launched = []

    def launch(text: str):
        video = write_y4m(text, tmp_path / "qr.y4m")
        launched.append(
            browser.browser_type.launch(
                executable_path=_chromium_path(),
                args=[
                    *CHROMIUM_ARGS,
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                ],
            )
        )
        return launched[-1]

    yield launch
    for camera in launched:
        camera.close()


def _camera_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        base_url=live_server,
        is_mobile=True,
        has_touch=True,
    )
    context.add_init_script(NO_BARCODE_DETECTOR)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_the_scan_page_reads_the_screen_s_qr_with_the_vendored_decoder(
    camera_browser, live_server, app
):
    activity = _activity("植树活动")
    volunteer = factories.make_volunteer("阿拉坦")
    db.session.commit()
    page = _camera_page(camera_browser(_scan_url(live_server, activity)), live_server)
    page.goto("/auth/login?next=/checkin/scan")
    sign_in(page, volunteer.user.phone)
    assert page.evaluate("'BarcodeDetector' in window") is False
    result = page.get_by_test_id("scan-result")
    assert result.get_attribute("data-outcome") == "checked_in"
    assert "植树活动" in result.inner_text()


def test_the_kiosk_reads_a_personal_code_with_the_same_scanner(camera_browser, live_server, app):
    activity = _activity("敬老助残")
    organizer = factories.make_organizer(activity.organization, "赵组织")
    volunteer = factories.make_volunteer("其其格")
    db.session.commit()
    browser = camera_browser(checkin.personal_code_payload(volunteer))
    page = _camera_page(browser, live_server)
    page.goto(f"/auth/login?next=/checkin/activities/{activity.id}/kiosk")
    sign_in(page, organizer.phone)
    page.get_by_role("button", name="用摄像头扫码").click()
    result = page.get_by_test_id("kiosk-result")
    assert result.get_attribute("data-outcome") == "checked_in"
    assert "其其格" in result.inner_text()
