"""POST /api/v1/kiosk/sync: the offline kiosk's queue, through the API and its device token."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.api.conftest import bearer
from tests.certificate_support import noon_clock
from volunteer.extensions import db
from volunteer.models import (
    ApiScope,
    ApiToken,
    RecordSource,
    RefusedBatch,
    ServiceRecord,
    utcnow,
)
from volunteer.services import api_tokens, checkin

SYNC = "/api/v1/kiosk/sync"


def _iso(moment) -> str:
    return moment.isoformat()


def _body(world, device_now, contact_offset=timedelta(0), scans=None, activity=None) -> dict:
    """Check-in 50 min and check-out 20 min before `device_now`, on the device's clock."""
    code = checkin.personal_code_payload(world["volunteer"].volunteer)
    activity_id = (activity or world["activity"]).id
    scans = scans or [
        ("in", device_now - timedelta(minutes=50)),
        ("out", device_now - timedelta(minutes=20)),
    ]
    server = utcnow() - timedelta(hours=1)
    return {
        "device_id": "kiosk-device-1",
        "device_now": _iso(device_now),
        "last_contact": {
            "device_time": _iso(server - contact_offset),
            "server_time": _iso(server),
        },
        "scans": [
            {
                "client_id": uuid.uuid4().hex,
                "sequence": n,
                "activity_id": activity_id,
                "code": code,
                "direction": direction,
                "device_time": _iso(moment),
            }
            for n, (direction, moment) in enumerate(scans, 1)
        ],
    }


def _kiosk(world) -> dict:
    return bearer(world["organizer"], [ApiScope.KIOSK])


def test_a_batch_from_a_device_two_hours_slow_is_corrected_and_a_replay_changes_nothing(
    client, world, monkeypatch
):
    # The server's clock runs from noon in Beijing: the 30 minutes stay in one day.
    now = noon_clock(monkeypatch, "volunteer.api.kiosk_sync")
    team = world["activity"].organization
    activity = factories.make_activity(team, starts_at=now() - timedelta(hours=1), hours=3)
    headers = _kiosk(world)
    device_now, slow = now() - timedelta(hours=2), timedelta(hours=2)
    body = _body(world, device_now, contact_offset=slow, activity=activity)
    first = client.post(SYNC, json=body, headers=headers)
    assert first.status_code == 200
    answer = first.get_json()
    assert [item["outcome"] for item in answer["items"]] == ["checked_in", "checked_out"]
    assert answer["items"][1]["minutes"] == 30
    assert abs(answer["offset_seconds"] - 7200) < 5
    record = db.session.get(ServiceRecord, answer["items"][1]["record_id"])
    assert abs(record.check_out_at - (now() - timedelta(minutes=20))) < timedelta(seconds=10)
    replay = client.post(SYNC, json=body, headers=headers).get_json()
    assert [item["record_id"] for item in replay["items"]] == [record.id, record.id]
    assert db.session.scalars(select(ServiceRecord).where(ServiceRecord.id > record.id)).all() == []


def test_a_revoked_devices_batch_is_refused_kept_and_shown_to_the_admin(client, world, login_as):
    headers = _kiosk(world)
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    api_tokens.revoke(token, world["organizer"], utcnow())
    db.session.commit()
    refused = client.post(SYNC, json=_body(world, utcnow()), headers=headers)
    assert refused.status_code == 403 and refused.get_json()["code"] == "token_revoked"
    kept = db.session.scalars(select(RefusedBatch)).one()
    assert (kept.token_id, kept.scan_count, kept.device_id) == (token.id, 2, "kiosk-device-1")
    offline = select(ServiceRecord).where(ServiceRecord.source == RecordSource.OFFLINE_KIOSK)
    assert db.session.scalars(offline).all() == []
    login_as(world["admin"])
    page = client.get("/admin/kiosk-batches").get_data(as_text=True)
    assert "赵组织" in page and token.hint in page


def test_sync_needs_a_token_with_the_kiosk_scope(client, world):
    body = _body(world, utcnow())
    assert client.post(SYNC, json=body).status_code == 401
    unknown = {"Authorization": "Bearer wsv_not-a-token"}
    assert client.post(SYNC, json=body, headers=unknown).status_code == 401
    reader = bearer(world["coordinator"], [ApiScope.COMPLIANCE_READ])
    answer = client.post(SYNC, json=body, headers=reader)
    assert answer.status_code == 403 and answer.get_json()["code"] == "insufficient_scope"


def test_another_teams_organizer_cannot_sync_scans_of_this_activity(client, world):
    headers = bearer(world["other_organizer"], [ApiScope.KIOSK])
    answer = client.post(SYNC, json=_body(world, utcnow()), headers=headers).get_json()
    assert {item["outcome"] for item in answer["items"]} == {"refused"}


def test_the_organizer_authorizes_a_device_from_the_kiosk_page(client, world, login_as):
    activity = world["activity"]
    login_as(world["organizer"])
    url = f"/checkin/activities/{activity.id}/kiosk/device"
    answer = client.post(url).get_json()
    assert answer["token"].startswith("wsv_") and answer["sync_url"] == SYNC
    token = api_tokens.find_active(answer["token"], utcnow())
    assert token.scopes == [ApiScope.KIOSK] and token.user_id == world["organizer"].id


def test_the_service_worker_and_manifest_are_served_for_the_kiosk_scope(client, world):
    worker = client.get("/checkin/kiosk-sw.js")
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    assert worker.headers["Service-Worker-Allowed"] == "/checkin/"
    manifest = client.get(f"/checkin/activities/{world['activity'].id}/kiosk.webmanifest")
    data = manifest.get_json(force=True)
    assert data["start_url"] == f"/checkin/activities/{world['activity'].id}/kiosk"
    assert data["scope"] == "/checkin/" and len(data["icons"]) == 2
