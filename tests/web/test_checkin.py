"""Check-in pages through the client: access, the scan URL flow, refusals in Chinese, kiosk."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests import factories
from volunteer.extensions import db
from volunteer.models import RecordStatus, ServiceRecord, utcnow
from volunteer.services import checkin, sessions, tokens


@pytest.fixture
def world(app):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    other_team = factories.make_organization("图克镇志愿服务队")
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=1), hours=3)
    people = {
        "organizer": factories.make_organizer(team, "赵组织"),
        "other_organizer": factories.make_organizer(other_team, "孙组织"),
        "admin": factories.make_admin(),
        "volunteer": factories.make_volunteer("巴特尔"),
    }
    db.session.commit()
    return {"activity": activity, **people}


def _scan_path(activity, step=None, code=None):
    step = tokens.step_at(utcnow()) if step is None else step
    code = code or tokens.code_for(activity, step)
    return f"/checkin/s/{activity.id}/{step}/{code}"


def _records(volunteer):
    return list(
        db.session.scalars(select(ServiceRecord).where(ServiceRecord.volunteer_id == volunteer.id))
    )


ORGANIZER_PAGES = ["screen", "live.json", "qr.svg", "kiosk", "kiosk/present.json"]


def test_only_organizers_of_the_activitys_organization_and_admins_open_its_screens(
    client, login_as, world
):
    activity = world["activity"]
    urls = [f"/checkin/activities/{activity.id}/{page}" for page in ORGANIZER_PAGES]
    urls.append(f"/records/activities/{activity.id}")
    for url in urls:
        assert client.get(url).status_code == 302, url  # anonymous: sign in first
    login_as(world["volunteer"].user)
    for url in urls:
        assert client.get(url).status_code == 403, url
    client.post("/auth/logout")
    login_as(world["other_organizer"])
    for url in urls:
        assert client.get(url).status_code == 403, url
    client.post("/auth/logout")
    login_as(world["organizer"])
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.post("/auth/logout")
    login_as(world["admin"])
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_screen_shows_the_current_code_and_the_live_counts(client, login_as, world):
    activity = world["activity"]
    checkin.scan(world["volunteer"], activity, utcnow(), "qr")
    login_as(world["organizer"])
    page = client.get(f"/checkin/activities/{activity.id}/screen").get_data(as_text=True)
    code = tokens.code_for(activity, tokens.step_at(utcnow()))
    assert f"{code[:3]} {code[3:]}" in page or "签到码" in page
    assert "当前在岗" in page and "巴特尔" in page
    live = client.get(f"/checkin/activities/{activity.id}/live.json").get_json()
    assert live["checked_in"] == 1 and live["checked_out"] == 0
    assert live["present"][0]["name"] == "巴特尔"
    assert f"/checkin/s/{activity.id}/{live['step']}/{live['code']}" in live["scan_url"]
    svg = client.get(live["qr_url"])
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")


def test_the_scan_url_asks_for_sign_in_then_checks_in(client, world):
    activity, volunteer = world["activity"], world["volunteer"]
    path = _scan_path(activity)
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]
    login = client.post(
        response.headers["Location"],
        data={"login": volunteer.user.phone, "password": factories.PASSWORD},
    )
    assert login.headers["Location"] == path
    page = client.get(path).get_data(as_text=True)
    assert "已签到" in page
    (record,) = _records(volunteer)
    assert record.status == RecordStatus.OPEN


def test_a_scan_url_seen_fresh_before_sign_in_survives_a_slow_sign_in(client, world, monkeypatch):
    activity, volunteer = world["activity"], world["volunteer"]
    path = _scan_path(activity)
    client.get(path)  # fresh now; remembered in the session
    later = utcnow() + timedelta(minutes=3)  # the code has expired meanwhile
    monkeypatch.setattr("volunteer.checkin.routes.utcnow", lambda: later)
    client.post("/auth/login", data={"login": volunteer.user.phone, "password": factories.PASSWORD})
    assert "已签到" in client.get(path).get_data(as_text=True)


def test_a_repeat_within_a_minute_says_nothing_changed(client, login_as, world):
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(volunteer.user)
    path = _scan_path(activity)
    assert "已签到" in client.get(path).get_data(as_text=True)
    page = client.get(path).get_data(as_text=True)
    assert "已经签到过了" in page and "本次扫码未做任何更改" in page
    assert len(_records(volunteer)) == 1


def test_refusals_explain_themselves_in_chinese(client, login_as, world):
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(volunteer.user)
    old_step = tokens.step_at(utcnow()) - 5
    assert "签到码已过期" in client.get(_scan_path(activity, step=old_step)).get_data(as_text=True)
    assert "签到码无效" in client.get(_scan_path(activity, code="000000x")).get_data(as_text=True)
    assert "不属于任何活动" in client.get(
        _scan_path(activity).replace(f"/s/{activity.id}/", "/s/99999/")
    ).get_data(as_text=True)
    assert _records(volunteer) == []


def test_before_sign_in_the_scan_url_answers_the_same_for_any_code(client, world):
    activity, volunteer = world["activity"], world["volunteer"]
    genuine = _scan_path(activity)
    others = [
        _scan_path(activity, code="000000"),
        _scan_path(activity, step=tokens.step_at(utcnow()) - 5),
        genuine.replace(f"/s/{activity.id}/", "/s/99999/"),
    ]
    answers = set()
    for path in [genuine, *others]:
        response = client.get(path)
        answer = f"{response.status_code} {response.location}\n{response.get_data(as_text=True)}"
        answers.add(answer.replace(path, "<scan>"))
    (answer,) = answers
    assert answer.startswith("302 /auth/login?next=<scan>\n")
    client.post("/auth/login", data={"login": volunteer.user.phone, "password": factories.PASSWORD})
    assert "签到码无效" in client.get(others[0]).get_data(as_text=True)
    assert "已签到" in client.get(genuine).get_data(as_text=True)


def test_the_typed_code_checks_in(client, login_as, world):
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(volunteer.user)
    code = tokens.code_for(activity, tokens.step_at(utcnow()))
    page = client.post("/checkin/code", data={"code": code}).get_data(as_text=True)
    assert "已签到" in page
    wrong = client.post("/checkin/code", data={"code": "12345"}).get_data(as_text=True)
    assert "6 位数字" in wrong


def test_a_geofenced_scan_asks_for_the_position_and_refuses_with_the_distance(
    client, login_as, world
):
    activity, volunteer = world["activity"], world["volunteer"]
    activity.latitude, activity.longitude, activity.geofence_radius_m = 38.596, 108.842, 100
    login_as(volunteer.user)
    path = _scan_path(activity)
    assert "允许获取位置" in client.get(path).get_data(as_text=True)
    far = client.post(path, data={"latitude": "38.600", "longitude": "108.842"})
    text = far.get_data(as_text=True)
    assert "您距离活动地点 445 米" in text and "100 米" in text
    near = client.post(path, data={"latitude": "38.5962", "longitude": "108.842"})
    assert "已签到" in near.get_data(as_text=True)
    (record,) = _records(volunteer)
    assert record.geofence_passed is True and record.geofence_distance_m == 22


def test_a_staff_account_without_a_volunteer_profile_cannot_scan(client, login_as, world):
    login_as(world["admin"])
    page = client.get(_scan_path(world["activity"])).get_data(as_text=True)
    assert "只有志愿者可以签到" in page


def test_the_kiosk_checks_volunteers_in_and_out_by_personal_code(client, login_as, world):
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(world["organizer"])
    url = f"/checkin/activities/{activity.id}/kiosk"
    payload = checkin.personal_code_payload(volunteer)
    page = client.post(url, data={"code": payload}).get_data(as_text=True)
    assert "巴特尔" in page and "签到" in page
    again = client.post(url, data={"code": payload}).get_data(as_text=True)
    assert "未做更改" in again
    unknown = client.post(url, data={"code": "WSV:nope"}).get_data(as_text=True)
    assert "该个人码不属于任何志愿者" in unknown
    assert len(_records(volunteer)) == 1


def test_a_volunteer_sees_their_personal_code_and_card(client, login_as, world):
    login_as(world["volunteer"].user)
    assert "<svg" in client.get("/checkin/my-code").get_data(as_text=True)
    card = client.get("/checkin/my-code/card").get_data(as_text=True)
    assert world["volunteer"].volunteer_number in card
    assert client.get("/checkin/my-code.png").data.startswith(b"\x89PNG")


def test_the_static_qr_exists_only_when_the_activity_allows_it(client, login_as, world):
    activity = world["activity"]
    login_as(world["organizer"])
    assert client.get(f"/checkin/activities/{activity.id}/static-qr").status_code == 404
    activity.static_qr_allowed = True
    db.session.commit()
    page = client.get(f"/checkin/activities/{activity.id}/static-qr").get_data(as_text=True)
    assert f"/checkin/p/{activity.id}/{tokens.static_code_for(activity)}" in page


def test_the_bench_floor_endpoint_is_off_by_default(client, world):
    assert client.get("/bench/floor").status_code == 404


def test_a_static_qr_checks_in_only_while_the_activity_allows_it(client, login_as, world):
    activity, volunteer = world["activity"], world["volunteer"]
    activity.static_qr_allowed = True
    login_as(volunteer.user)
    path = f"/checkin/p/{activity.id}/{tokens.static_code_for(activity)}"
    assert "已签到" in client.get(path).get_data(as_text=True)
    activity.static_qr_allowed = False
    db.session.commit()
    assert "签到码无效" in client.get(path).get_data(as_text=True)


def test_guessing_codes_is_rate_limited_per_volunteer(database_url, app, world):
    from tests.conftest import IsolatedClient, _test_config
    from volunteer import create_app

    limited = create_app(
        {
            **_test_config(database_url),
            "RATELIMIT_ENABLED": True,
            "CHECKIN_SCAN_RATE_LIMIT": "3 per minute",
        }
    )
    limited.test_client_class = IsolatedClient
    client = limited.test_client()
    client.post(
        "/auth/login", data={"login": world["volunteer"].user.phone, "password": factories.PASSWORD}
    )
    try:
        for _ in range(3):
            assert client.post("/checkin/code", data={"code": "000000"}).status_code == 200
        assert client.post("/checkin/code", data={"code": "000000"}).status_code == 429
    finally:
        with limited.app_context():
            db.engine.dispose()  # this app's own connection pool


def test_the_screen_says_when_check_in_opens(client, login_as, world):
    later = factories.make_activity(
        world["activity"].organization, starts_at=utcnow() + timedelta(hours=3)
    )
    login_as(world["organizer"])
    page = client.get(f"/checkin/activities/{later.id}/screen").get_data(as_text=True)
    assert "签到将于" in page and "此前扫码将被拒绝" in page


def test_a_scan_loads_the_signed_in_user_once(client, login_as, world, app):
    """After the scan commits, the response headers and the display cookie must not reload
    the (expired) user: one users query per scan, check-in and check-out alike."""
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(volunteer.user)
    app.config["REPEAT_SCAN_WINDOW_SECONDS"] = 0
    user_reads: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        if "FROM users" in statement:
            user_reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        for outcome in ("checked_in", "checked_out"):
            user_reads.clear()
            page = client.get(_scan_path(activity)).get_data(as_text=True)
            assert f'data-outcome="{outcome}"' in page
            assert len(user_reads) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def test_a_scan_reads_the_user_its_activity_and_the_records_it_locks_in_one_query(
    client, login_as, world, app
):
    """The signed-in account, the scan URL's activity and the volunteer's records the scan
    changes come in one statement, check-in and check-out alike: no other statement reads the
    account or the activity."""
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(volunteer.user)
    app.config["REPEAT_SCAN_WINDOW_SECONDS"] = 0
    reads: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        if "FROM users" in statement or "activities.checkin_secret" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        for outcome in ("checked_in", "checked_out"):
            path = _scan_path(activity)  # the test's own read of the secret is not the scan's
            reads.clear()
            page = client.get(path).get_data(as_text=True)
            assert f'data-outcome="{outcome}"' in page
            (read,) = reads
            assert "FROM users" in read and "activities.checkin_secret" in read
            assert "FROM service_records" in read
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def test_a_scan_with_a_session_ended_elsewhere_asks_for_sign_in_and_records_nothing(
    client, login_as, world
):
    """The scan checks the session's version in its own query: a cookie from before "sign
    out everywhere" names nobody there either."""
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(volunteer.user)
    sessions.end_browser_sessions(volunteer.user)
    db.session.commit()
    response = client.get(_scan_path(activity))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert _records(volunteer) == []


@pytest.mark.parametrize("session_id", ["{id}:{huge}", "{huge}:0", "{id}:x"])
def test_a_scan_with_a_session_naming_no_possible_account_asks_for_sign_in(
    client, world, session_id
):
    """A cookie whose id or version no account can have names nobody (no database error)."""
    activity, volunteer = world["activity"], world["volunteer"]
    with client.session_transaction() as session:
        session["_user_id"] = session_id.format(id=volunteer.user_id, huge=2**31)
    response = client.get(_scan_path(activity))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert _records(volunteer) == []


def test_a_scan_reads_the_user_without_the_role_grants_a_page_with_a_menu_needs(
    client, login_as, world, app
):
    """The scan answer has no menu: its users query leaves the role grants and the profile's
    other columns out, where an ordinary page joins them."""
    activity, volunteer = world["activity"], world["volunteer"]
    login_as(volunteer.user)
    user_reads: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        if "FROM users" in statement:
            user_reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert 'data-outcome="checked_in"' in client.get(_scan_path(activity)).get_data(True)
        (scan_read,) = user_reads
        user_reads.clear()
        client.get("/checkin/my-code")
        (page_read,) = user_reads
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert "role_grants" not in scan_read and "id_number" not in scan_read
    assert "role_grants" in page_read and "id_number" in page_read


def test_the_scan_answer_speaks_the_volunteers_language_in_their_text_size(client, login_as, world):
    activity, volunteer = world["activity"], world["volunteer"]
    volunteer.user.locale, volunteer.user.large_text = "en", True
    db.session.commit()
    login_as(volunteer.user)
    page = client.get(_scan_path(activity)).get_data(as_text=True)
    assert '<html lang="en" class="large-text">' in page
    assert "Checked in" in page and activity.title in page
    assert 'href="/records/mine"' in page and 'href="/static/css/app.css"' in page
    refused = client.get(_scan_path(activity, code="000000x")).get_data(as_text=True)
    assert 'data-outcome="refused"' in refused and "Not recorded" in refused
    assert "This check-in code is not valid for this activity." in refused


def test_the_screen_lists_the_latest_arrivals_and_counts_them_all(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    activity = world["activity"]
    for minutes, name in ((30, "先到"), (20, "后到"), (10, "最后到")):
        checkin.scan(
            factories.make_volunteer(name), activity, utcnow() - timedelta(minutes=minutes), "qr"
        )
    db.session.commit()
    login_as(world["organizer"])
    live = client.get(f"/checkin/activities/{activity.id}/live.json").get_json()
    assert live["checked_in"] == 3 and [p["name"] for p in live["present"]] == ["最后到", "后到"]
    page = client.get(f"/checkin/activities/{activity.id}/screen").get_data(as_text=True)
    listed = page.split('id="present-list"')[1].split("</ul>")[0]
    assert "最后到" in listed and "先到" not in listed and "下面列出最近签到的 2 人" in page
    kiosk = client.get(f"/checkin/activities/{activity.id}/kiosk").get_data(as_text=True)
    assert "先到" not in kiosk  # counts only: an offline kiosk learns who is in from present.json


def test_an_offline_kiosk_learns_everyone_checked_in_a_page_at_a_time(
    client, login_as, world, monkeypatch
):
    from volunteer.checkin import routes

    monkeypatch.setattr(routes, "KIOSK_PRESENT_PAGE", 2)
    activity = world["activity"]
    people = [factories.make_volunteer(name) for name in ("先到", "后到", "又到", "已走")]
    for minutes, person in zip((30, 20, 10, 40), people, strict=True):
        checkin.scan(person, activity, utcnow() - timedelta(minutes=minutes), "qr")
    checkin.scan(people[3], activity, utcnow() - timedelta(minutes=5), "qr")  # checked out
    db.session.commit()
    login_as(world["organizer"])
    url = f"/checkin/activities/{activity.id}/kiosk/present.json"
    first = client.get(url)
    assert first.headers["Cache-Control"] == "no-store"
    second = client.get(f"{url}?after={first.get_json()['next']}").get_json()
    assert second["next"] is None
    learned = first.get_json()["present"] + second["present"]
    assert [p["name"] for p in learned] == ["先到", "后到", "又到"]
    assert [p["number"] for p in learned] == [p.volunteer_number for p in people[:3]]
    (first_record,) = _records(people[0])
    assert learned[0]["since"] == int(first_record.check_in_at.timestamp() * 1000)
    for nonsense in ("x", "-5", str(2**40)):  # no record id: from the start
        assert client.get(f"{url}?after={nonsense}").get_json()["present"][0]["name"] == "先到"
