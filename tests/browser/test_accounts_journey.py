"""Journeys on a 390 px phone screen, in Chinese."""

from datetime import date

import pytest

from tests import factories
from tests.browser.helpers import sign_in
from volunteer.extensions import db

pytestmark = pytest.mark.browser


def test_a_newcomer_registers_on_a_phone_and_sees_their_volunteer_number(phone_page):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="注册成为志愿者").first.click()
    page.get_by_label("真实姓名").fill("巴特尔")
    page.get_by_label("证件号码").fill(factories.resident_id(date(1991, 2, 3)))
    page.get_by_label("手机号码").fill(factories.phone())
    page.get_by_label("密码", exact=True).fill("volunteer-pw-1")
    page.get_by_label("再次输入密码").fill("volunteer-pw-1")
    page.get_by_label("我已阅读并同意隐私声明").check()
    page.get_by_role("button", name="注册").click()
    # Nobody becomes a party member, or anything else, by skipping the political status.
    assert page.get_by_text("请选择政治面貌。").is_visible()
    page.get_by_label("密码", exact=True).fill("volunteer-pw-1")
    page.get_by_label("再次输入密码").fill("volunteer-pw-1")
    page.get_by_label("政治面貌").select_option("13")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/me/")
    assert "欢迎！您的志愿者编号是" in page.content()
    assert page.get_by_test_id("volunteer-number").inner_text().startswith("WS")
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_bad_id_number_is_explained_next_to_the_field(phone_page):
    page = phone_page
    page.goto("/auth/register")
    page.get_by_label("真实姓名").fill("巴特尔")
    page.get_by_label("证件号码").fill("152727199102031230")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("密码", exact=True).fill("volunteer-pw-1")
    page.get_by_label("再次输入密码").fill("volunteer-pw-1")
    page.get_by_label("我已阅读并同意隐私声明").check()
    page.get_by_role("button", name="注册").click()
    assert page.get_by_text("身份证号码校验位错误，请核对。").is_visible()


def test_an_admin_signs_in_and_opens_the_unit_tree_from_the_menu(phone_page, app):
    factories.make_unit("WS", "乌审旗")
    admin = factories.make_admin("白管理")
    db.session.commit()
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, admin.phone)
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="系统管理").click()
    page.get_by_role("link", name="单位树").click()
    page.wait_for_url("**/admin/units")
    assert page.get_by_role("link", name="乌审旗").is_visible()
