"""A volunteer gets their certificate on a phone, and anyone checks it, in Chinese."""

from pathlib import Path

import pytest

from tests import certificate_support as support
from tests import factories
from tests.browser.helpers import sign_in
from volunteer.extensions import db

pytestmark = pytest.mark.browser


def test_a_volunteer_downloads_their_certificate_and_checks_it_on_a_phone(phone_page, app):
    support.set_issuer()
    volunteer = factories.make_volunteer("其木格")
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    activity = factories.make_activity(team, starts_at=support.this_year_moment(), title="清扫街道")
    factories.make_record(volunteer, activity, 150)
    db.session.commit()

    page = phone_page
    page.goto("/auth/login")
    sign_in(page, volunteer.user.phone)
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("navigation").get_by_role("link", name="我的证明").click()
    page.wait_for_url("**/certificates/")
    page.get_by_text("其他时段").click()  # other periods are one level down
    assert page.get_by_label("期间").input_value() == "year"
    assert not page.get_by_label("开始日期").is_visible()  # shown only for chosen dates
    page.get_by_role("button", name="出具证明").click()
    assert page.get_by_text("已出具").is_visible()
    assert page.get_by_test_id("certificate-hours").inner_text() == "2.5"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as download_info:
        page.get_by_test_id("download-certificate").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert "其木格" in support.pdf_text(pdf)
    (verify_url,) = support.qr_texts(pdf)

    page.get_by_role("link", name="核验页面").click()
    assert page.url == verify_url
    assert page.get_by_test_id("verify-status").inner_text().startswith("有效")
    assert page.get_by_test_id("verify-name").inner_text() == "其**"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Typing the serial into the public form finds it too.
    serial = verify_url.rsplit("/", 1)[-1]
    page.get_by_role("link", name="核验其他证明").click()
    page.get_by_label("证明编号").fill(serial.lower())
    page.get_by_role("button", name="核验").click()
    assert page.get_by_test_id("verify-hours").inner_text() == "2.5"
