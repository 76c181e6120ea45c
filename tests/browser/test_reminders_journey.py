"""A coordinator on a phone turns the missing list into a reminder text and an SMS list."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in
from volunteer.extensions import db
from volunteer.models import UnitKind

pytestmark = pytest.mark.browser


def test_the_coordinator_edits_the_text_previews_it_and_exports_the_list(phone_page):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    coordinator = factories.make_coordinator(town, "钱协调")
    factories.make_roster_entry(town, name="巴特尔").phone = "13700000001"
    factories.make_roster_entry(town, name="没手机")
    db.session.commit()

    page = phone_page
    page.goto("/auth/login")
    sign_in(page, coordinator.phone)
    page.goto(f"/compliance/units/{town.id}/missing")
    page.get_by_role("link", name="短信提醒").click()
    section = page.locator("#list-not_registered")
    message = section.get_by_label("短信内容")
    expect(message).to_contain_text("{name}同志，您好！")
    expect(message).to_contain_text("/auth/register")
    expect(section).to_contain_text("另有 1 人没有手机号，未列入。")

    message.fill("{name}：请在年底前注册志愿者。")
    section.get_by_role("button", name="预览").click()
    preview = page.locator('[data-preview="not_registered"] [data-preview-text]')
    expect(preview).to_have_text("巴特尔：请在年底前注册志愿者。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    section = page.locator("#list-not_registered")
    section.get_by_label("导出完整手机号（记入审计日志）").check()
    section.get_by_role("button", name="导出 CSV").click()
    # The list is made by a job; its page offers the file when it is ready.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["手机号", "姓名", "短信内容"],
        ["13700000001", "巴特尔", "巴特尔：请在年底前注册志愿者。"],
    ]
