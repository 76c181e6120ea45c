"""The volunteer's phone through the client: a scan survives registration and a password
reset, the home page, the one-tap certificate, reset codes, and the words fixed in issue 11."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.certificate_support import set_issuer, this_year_moment
from tests.web.test_auth import form as registration_form
from volunteer.extensions import db
from volunteer.models import RecordStatus, ServiceRecord, Volunteer, utcnow
from volunteer.services import password_resets, tokens


@pytest.fixture
def activity(app):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    started = utcnow() - timedelta(minutes=10)
    activity = factories.make_activity(team, starts_at=started, title="文明交通劝导")
    db.session.commit()
    return activity


def _scan_path(activity) -> str:
    step = tokens.step_at(utcnow())
    return f"/checkin/s/{activity.id}/{step}/{tokens.code_for(activity, step)}"


def _open_records(volunteer_id: int) -> list[ServiceRecord]:
    return db.session.scalars(
        select(ServiceRecord).where(
            ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.status == RecordStatus.OPEN
        )
    ).all()


def test_the_login_and_registration_pages_name_the_waiting_scan(client, activity):
    response = client.get(_scan_path(activity))
    assert "/auth/login" in response.headers["Location"]
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "登录后为您签到：『文明交通劝导』" in login_page
    assert '<input checked class="form-check-input" id="remember"' in login_page
    assert "登录后为您签到：『文明交通劝导』" in client.get("/auth/register").get_data(as_text=True)


def test_a_new_person_who_scans_then_registers_lands_checked_in(client, activity):
    client.get(_scan_path(activity))
    data = registration_form()
    response = client.post("/auth/register", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'data-outcome="checked_in"' in page and "已签到" in page
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.id_number == data["id_number"]))
    assert len(_open_records(volunteer.id)) == 1
    # The scan is made once: opening home afterwards does not scan again.
    assert "正在服务：『文明交通劝导』" in client.get("/").get_data(as_text=True)


def test_registering_without_a_scan_still_goes_to_the_profile(client, app):
    response = client.post("/auth/register", data=registration_form())
    assert response.headers["Location"].endswith("/me/")


def test_a_scan_survives_a_password_reset(client, activity):
    town = factories.make_unit("WS", "乌审旗")
    coordinator = factories.make_coordinator(town)
    volunteer = factories.make_volunteer("忘了密码", unit=town)
    issued = password_resets.issue_reset(volunteer.user, coordinator, utcnow())
    db.session.commit()
    client.get(_scan_path(activity))
    reset_page = client.get(f"/auth/reset/{issued.code}").get_data(as_text=True)
    assert "登录后为您签到" in reset_page and issued.code in reset_page
    response = client.post(
        f"/auth/reset/{issued.code}",
        data={"code": issued.code, "password": "brand-new-9", "password_confirm": "brand-new-9"},
        follow_redirects=True,
    )
    assert 'data-outcome="checked_in"' in response.get_data(as_text=True)
    assert len(_open_records(volunteer.id)) == 1


def test_a_wrong_reset_code_says_so_in_chinese(client, app):
    response = client.post(
        "/auth/reset",
        data={"code": "WRONGCODE123", "password": "brand-new-9", "password_confirm": "brand-new-9"},
    )
    assert "重置码错误、已过期或已被使用。" in response.get_data(as_text=True)


def test_a_coordinator_issues_a_code_shown_once_for_people_in_scope_only(client, login_as, app):
    town = factories.make_unit("WS", "乌审旗")
    other = factories.make_unit("WS-TK", "图克镇", parent=town)
    coordinator_unit = factories.make_unit("WS-GLT", "嘎鲁图镇", parent=town)
    coordinator = factories.make_coordinator(coordinator_unit)
    mine = factories.make_volunteer("本镇人员", unit=coordinator_unit)
    stranger = factories.make_volunteer("外镇人员", unit=other)
    login_as(coordinator)
    search = client.get("/auth/resets?q=人员").get_data(as_text=True)
    assert "本镇人员" in search and "外镇人员" not in search
    page = client.post(f"/auth/resets/{mine.user_id}").get_data(as_text=True)
    assert "此重置码只显示一次" in page and "/auth/reset/" in page
    assert client.post(f"/auth/resets/{stranger.user_id}").status_code == 403


def test_a_plain_volunteer_cannot_open_the_reset_codes_page(client, login_as, app):
    login_as(factories.make_volunteer().user)
    assert client.get("/auth/resets").status_code == 403


def test_home_shows_the_scan_button_hours_and_stars(client, login_as, activity):
    volunteer = factories.make_volunteer("乌兰")
    factories.make_record(volunteer, activity, minutes=150, check_in_at=this_year_moment(2))
    login_as(volunteer.user)
    page = client.get("/").get_data(as_text=True)
    assert "扫码签到" in page and "2.5" in page
    assert "再服务 97.5 小时升至 1 星" in page
    assert "本年度证明" in page


def test_the_this_year_certificate_is_issued_and_downloaded_in_one_post(client, login_as, activity):
    set_issuer()
    volunteer = factories.make_volunteer("巴特尔")
    factories.make_record(volunteer, activity, minutes=120, check_in_at=this_year_moment(2))
    login_as(volunteer.user)
    response = client.post("/certificates/this-year", follow_redirects=True)
    assert response.mimetype == "application/pdf"
    again = client.post("/certificates/this-year")
    first = client.post("/certificates/this-year")
    assert again.headers["Location"] == first.headers["Location"]  # reused, not re-issued


def test_without_issuer_details_volunteers_are_told_at_the_top_and_admins_get_a_task(
    client, login_as, app
):
    volunteer = factories.make_volunteer()
    admin = factories.make_admin()
    login_as(volunteer.user)
    page = client.get("/certificates/").get_data(as_text=True)
    assert page.index("证明暂不可出具，请联系管理员") < page.index("本年度证明")
    client.post("/auth/logout")
    login_as(admin)
    assert 'data-testid="issuer-task"' in client.get("/").get_data(as_text=True)
    set_issuer(admin)
    db.session.commit()
    assert 'data-testid="issuer-task"' not in client.get("/").get_data(as_text=True)


def test_the_words_of_issue_11(client, login_as, activity):
    assert "全部类别" in client.get("/activities/").get_data(as_text=True)
    login_as(factories.make_volunteer().user)
    show = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "扫码签到" in show and 'btn btn-danger btn-lg w-100" type="submit">报名' not in show


def test_a_scan_older_than_the_grace_is_forgotten_at_registration(client, activity, app):
    client.get(_scan_path(activity))
    app.config["CHECKIN_LOGIN_GRACE_SECONDS"] = -1  # as if the person took too long
    assert "登录后为您签到" not in client.get("/auth/register").get_data(as_text=True)
    response = client.post("/auth/register", data=registration_form())
    assert response.headers["Location"].endswith("/me/")
