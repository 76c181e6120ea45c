"""Scanning through the API follows the pages' rules (services/checkin.py): the same
outcomes, the same refusals, each with a stable code, a status and a message."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.api.conftest import bearer
from tests.certificate_support import noon_clock
from volunteer.extensions import db
from volunteer.models import RecordStatus, ServiceRecord, utcnow
from volunteer.services import tokens


def _qr(activity, step=None, code=None) -> str:
    step = tokens.step_at(utcnow()) if step is None else step
    code = code or tokens.code_for(activity, step)
    return f"https://volunteer.example/checkin/s/{activity.id}/{step}/{code}"


@pytest.fixture
def scan(client, world):
    """`scan(body)` as the volunteer (or `as_=` another person); returns (status, json)."""

    def post(body: dict, as_=None, language: str = "zh-CN"):
        headers = {**bearer(as_ or world["volunteer"]), "Accept-Language": language}
        response = client.post("/api/v1/scan", json=body, headers=headers)
        return response.status_code, response.get_json()

    return post


def _open_records(user):
    return list(
        db.session.scalars(
            select(ServiceRecord)
            .where(ServiceRecord.volunteer_id == user.volunteer.id)
            .where(ServiceRecord.status == RecordStatus.OPEN)
        )
    )


def test_first_scan_checks_in_a_repeat_changes_nothing_a_later_one_checks_out(
    scan, world, monkeypatch
):
    # The server's clock runs from noon in Beijing: the 50 minutes stay in one day.
    now = noon_clock(monkeypatch, "volunteer.api.checkin")
    team = world["activity"].organization
    activity = factories.make_activity(team, starts_at=now() - timedelta(hours=1), hours=3)
    db.session.commit()
    status, body = scan({"qr": _qr(activity, tokens.step_at(now()))})
    assert status == 200 and body["outcome"] == "checked_in" and body["changed"] is True
    assert body["message"].startswith("已签到") and body["record"]["status"] == "open"
    assert body["activity"]["id"] == activity.id
    status, body = scan({"qr": _qr(activity, tokens.step_at(now()))})
    assert body["outcome"] == "already_in" and body["changed"] is False
    assert "本次扫码未做任何更改" in body["message"]
    record = db.session.get(ServiceRecord, body["record"]["id"])
    record.check_in_at = now() - timedelta(minutes=50)
    db.session.commit()
    status, body = scan({"code": tokens.code_for(activity, tokens.step_at(now()))})
    assert status == 200 and body["outcome"] == "checked_out"
    assert body["minutes"] == body["record"]["credited_minutes"] == 50
    assert body["record"]["status"] == "approved" and "已签退" in body["message"]


def test_expired_and_forged_codes_are_refused_with_their_codes(scan, world):
    activity = world["activity"]
    status, body = scan({"qr": _qr(activity, step=tokens.step_at(utcnow()) - 5)})
    assert (status, body["code"]) == (409, "expired_code")
    assert body["message"] == "签到码已过期，请重新扫描屏幕上的二维码。"
    status, body = scan({"qr": _qr(activity, code="123456")})
    assert (status, body["code"]) == (409, "invalid_code")
    status, body = scan({"qr": _qr(activity).replace(f"/s/{activity.id}/", "/s/99999/")})
    assert (status, body["code"]) == (409, "unknown_activity")
    status, body = scan({"code": "12"})
    assert (status, body["code"]) == (422, "malformed_code")
    step = tokens.step_at(utcnow())
    genuine = {tokens.code_for(activity, s) for s in (step, step - 1, step + 1)}
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in genuine)
    status, body = scan({"code": wrong})
    assert (status, body["code"]) == (409, "wrong_or_expired_code")
    status, body = scan({"qr": "https://elsewhere.example/pay?id=1"})
    assert (status, body["code"], body["field"]) == (422, "malformed_code", "qr")
    assert _open_records(world["volunteer"]) == []


def test_the_message_follows_accept_language(scan, world):
    old = _qr(world["activity"], step=tokens.step_at(utcnow()) - 5)
    status, body = scan({"qr": old}, language="en-US,en;q=0.9")
    assert (status, body["code"]) == (409, "expired_code")
    assert body["message"] == "This check-in code has expired. Scan the code on the screen again."


def test_outside_the_window_is_refused(scan, world):
    team = world["activity"].organization
    later = factories.make_activity(team, starts_at=utcnow() + timedelta(hours=3))
    over = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=8), hours=2)
    db.session.commit()
    status, body = scan({"qr": _qr(later)})
    assert (status, body["code"]) == (409, "not_open_yet")
    status, body = scan({"qr": _qr(over)})
    assert (status, body["code"]) == (409, "outside_window")
    assert body["message"] == "本活动签到已结束。"


def test_one_open_record_at_a_time_across_activities(scan, world):
    team = world["activity"].organization
    other = factories.make_activity(
        team, starts_at=utcnow() - timedelta(minutes=30), title="另一个"
    )
    db.session.commit()
    assert scan({"qr": _qr(world["activity"])})[1]["outcome"] == "checked_in"
    status, body = scan({"qr": _qr(other)})
    assert (status, body["code"]) == (409, "already_open_elsewhere")
    assert "文明交通劝导" in body["message"]


def test_sign_up_required_and_geofence(scan, world):
    team = world["activity"].organization
    signup_only = factories.make_activity(team, signup_required=True, title="须报名")
    fenced = factories.make_activity(
        team, title="有围栏", latitude=38.6, longitude=108.8, geofence_radius_m=200
    )
    db.session.commit()
    status, body = scan({"qr": _qr(signup_only)})
    assert (status, body["code"]) == (409, "signup_required")
    status, body = scan({"qr": _qr(fenced)})
    assert (status, body["code"]) == (422, "location_needed")
    status, body = scan({"qr": _qr(fenced), "latitude": 38.7, "longitude": 108.8})
    assert (status, body["code"]) == (409, "outside_geofence")
    status, body = scan({"qr": _qr(fenced), "latitude": 38.6001, "longitude": 108.8})
    assert status == 200 and body["outcome"] == "checked_in"


def test_the_body_needs_exactly_one_of_qr_and_code(scan, world):
    for body in ({}, {"qr": _qr(world["activity"]), "code": "123456"}, {"code": 123456}):
        status, answer = scan(body)
        assert (status, answer["code"]) == (422, "invalid_request"), body
    status, answer = scan({"code": "123456", "latitude": 38.6})
    assert status == 422 and "latitude" in answer["errors"]["json"]


def test_only_volunteers_scan(client, world):
    activity = world["activity"]
    assert client.post("/api/v1/scan", json={"qr": _qr(activity)}).status_code == 401
    response = client.post(
        "/api/v1/scan", json={"qr": _qr(activity)}, headers=bearer(world["staff"])
    )
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_the_organizer_reads_the_current_code_and_the_scan_it_encodes_works(client, scan, world):
    activity = world["activity"]
    url = f"/api/v1/activities/{activity.id}/checkin-code"
    for role, expected in (
        ("organizer", 200),
        ("admin", 200),
        ("other_organizer", 403),
        ("volunteer", 403),
    ):
        assert client.get(url, headers=bearer(world[role])).status_code == expected, role
    assert client.get(url).status_code == 401
    body = client.get(url, headers=bearer(world["organizer"])).get_json()
    assert body["code"] == tokens.code_for(activity, body["step"]) and body["seconds_left"] > 0
    assert scan({"qr": body["scan_url"]})[1]["outcome"] == "checked_in"


def test_the_kiosk_scans_personal_codes_of_its_activity(client, world):
    activity, volunteer = world["activity"], world["volunteer"].volunteer
    url = f"/api/v1/activities/{activity.id}/kiosk-scans"
    payload = {"code": "WSV:" + volunteer.personal_code}
    assert client.post(url, json=payload).status_code == 401
    for role in ("other_organizer", "volunteer", "coordinator"):
        assert client.post(url, json=payload, headers=bearer(world[role])).status_code == 403
    response = client.post(url, json=payload, headers=bearer(world["organizer"]))
    assert response.status_code == 200 and response.get_json()["outcome"] == "checked_in"
    record = db.session.get(ServiceRecord, response.get_json()["record"]["id"])
    assert record.created_by_id == world["organizer"].id
    unknown = client.post(url, json={"code": "WSV:nobody"}, headers=bearer(world["admin"]))
    assert unknown.status_code == 409 and unknown.get_json()["code"] == "unknown_personal_code"
