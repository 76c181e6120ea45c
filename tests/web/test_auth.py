"""Registration, sign-in and sign-out through the pages."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from volunteer.extensions import db
from volunteer.models import Volunteer


def form(**changes) -> dict:
    data = {
        "name": "王小明",
        "id_type": "resident_id",
        "id_number": factories.resident_id(date(1988, 8, 8)),
        "phone": factories.phone(),
        "password": "secret-pass-1",
        "password_confirm": "secret-pass-1",
        "political_status": "01",
        "unit_id": "",
        "privacy_consent": "y",
    }
    data.update(changes)
    return data


def volunteer_count() -> int:
    return db.session.scalar(select(func.count(Volunteer.id)))


def test_registration_signs_the_volunteer_in(client):
    response = client.post("/auth/register", data=form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "欢迎！您的志愿者编号是 WS" in page
    assert volunteer_count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "请输入真实姓名。"),
        ({"id_number": ""}, "请输入证件号码。"),
        ({"id_number": "15272719880808123"}, "居民身份证号码应为18位。"),
        ({"id_number": "152727198802301235"}, "证件号码中的出生日期或地区码无效。"),  # 30 Feb
        ({"phone": "2380000000"}, "请输入以1开头的11位大陆手机号码。"),
        ({"password": "short", "password_confirm": "short"}, "密码至少需要8个字符。"),
        ({"password_confirm": "different-1"}, "两次输入的密码不一致。"),
        ({"privacy_consent": ""}, "注册前须同意隐私声明。"),
    ],
)
def test_each_invalid_field_gets_a_chinese_message(client, changes, message):
    response = client.post("/auth/register", data=form(**changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert volunteer_count() == 0


def test_wrong_id_checksum_is_named(client):
    number = factories.resident_id()
    wrong = number[:-1] + ("1" if number[-1] == "0" else "0")
    response = client.post("/auth/register", data=form(id_number=wrong))
    assert "身份证号码校验位错误，请核对。" in response.get_data(as_text=True)


def test_duplicate_id_number_is_refused_with_a_message(client):
    first = form()
    client.post("/auth/register", data=first)
    client.post("/auth/logout")
    response = client.post("/auth/register", data=form(id_number=first["id_number"]))
    assert response.status_code == 200
    assert "该证件号码已注册。" in response.get_data(as_text=True)
    assert volunteer_count() == 1


def test_duplicate_phone_is_refused_with_a_message(client):
    first = form()
    client.post("/auth/register", data=first)
    client.post("/auth/logout")
    response = client.post("/auth/register", data=form(phone=first["phone"]))
    assert "该手机号码已注册。" in response.get_data(as_text=True)
    assert volunteer_count() == 1


def test_under_14_without_guardian_consent_is_refused(client):
    child = factories.resident_id(date(date.today().year - 10, 1, 1))
    response = client.post("/auth/register", data=form(id_number=child))
    assert "未满14周岁的志愿者需填写监护人姓名、电话并取得监护人同意。" in response.get_data(
        as_text=True
    )
    response = client.post(
        "/auth/register",
        data=form(
            id_number=child,
            guardian_name="家长",
            guardian_phone="13912345678",
            guardian_consent="y",
        ),
    )
    assert response.status_code == 302
    assert volunteer_count() == 1


def test_login_and_logout(client, app):
    volunteer = factories.make_volunteer()
    db.session.commit()
    response = client.post(
        "/auth/login", data={"login": volunteer.id_number, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200
    client.post("/auth/logout")
    assert client.get("/me/").status_code == 302


def test_wrong_password_says_so(client, app):
    volunteer = factories.make_volunteer()
    db.session.commit()
    response = client.post(
        "/auth/login", data={"login": volunteer.user.phone, "password": "nope-nope"}
    )
    assert "手机号/证件号码或密码错误。" in response.get_data(as_text=True)


def test_login_returns_to_next_but_never_off_site(client, app):
    volunteer = factories.make_volunteer()
    db.session.commit()
    credentials = {"login": volunteer.user.phone, "password": factories.PASSWORD}
    response = client.post("/auth/login?next=/me/password", data=credentials)
    assert response.headers["Location"] == "/me/password"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=//evil.example/", data=credentials)
    assert response.headers["Location"] == "/"


def test_forms_need_a_csrf_token_when_protection_is_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/auth/login", data={"login": "13800000000", "password": "x"})
    assert response.status_code == 400


def test_profile_shows_masked_personal_data(client, login_as):
    volunteer = factories.make_volunteer()
    login_as(volunteer.user)
    page = client.get("/me/").get_data(as_text=True)
    assert volunteer.id_number not in page
    assert volunteer.id_number[:6] + "********" + volunteer.id_number[-4:] in page
    assert volunteer.user.phone not in page


def test_profile_edit_and_password_change(client, login_as):
    volunteer = factories.make_volunteer()
    login_as(volunteer.user)
    response = client.post(
        "/me/edit",
        data={
            "name": "王大明",
            "phone": volunteer.user.phone,
            "political_status": "03",
            "unit_id": "",
        },
    )
    assert response.status_code == 302
    assert volunteer.user.name == "王大明"
    response = client.post(
        "/me/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "brand-new-pw",
            "new_password_confirm": "brand-new-pw",
        },
    )
    assert response.status_code == 302
    client.post("/auth/logout")
    response = client.post(
        "/auth/login", data={"login": volunteer.user.phone, "password": "brand-new-pw"}
    )
    assert response.status_code == 302
