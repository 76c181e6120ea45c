"""The kiosk without a network: scans kept on the device, the page reopened offline, and the
queue synced once when the network returns, by the online rules."""

import base64
import json
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests import factories
from tests.browser.helpers import sign_in
from tests.certificate_support import noon_clock, this_year_moment
from volunteer.documents.qr import qr_png
from volunteer.extensions import db
from volunteer.models import (
    ApiToken,
    OfflineScan,
    RecordSource,
    RecordStatus,
    RefusedBatch,
    ServiceRecord,
    utcnow,
)
from volunteer.services import api_tokens, checkin

pytestmark = pytest.mark.browser

SERVED = timedelta(minutes=45)  # between the offline check-ins and check-outs

# Decode a QR image with the page's own scanning function (the vendored jsQR), as the camera would.
SCAN_IMAGE = """async (source) => {
  const image = new Image();
  image.src = source;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width + 40;
  canvas.height = image.height + 40;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 20, 20);
  return window.kioskScanImageData(context.getImageData(0, 0, canvas.width, canvas.height));
}"""


def _image(payload: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(payload)).decode()


def _pending(page) -> int:
    return int(page.get_by_test_id("offline-pending").get_attribute("data-count"))


def _scan_all(page, images: list[str], expected_pending: int) -> None:
    for image, payload in images:
        assert page.evaluate(SCAN_IMAGE, image) == payload
        expected_pending += 1
        expect(page.locator("#offline-pending")).to_have_attribute(
            "data-count", str(expected_pending)
        )


def _offline_records(activity) -> list[ServiceRecord]:
    db.session.expire_all()
    return db.session.scalars(
        select(ServiceRecord).where(
            ServiceRecord.activity_id == activity.id,
            ServiceRecord.source == RecordSource.OFFLINE_KIOSK,
        )
    ).all()


def test_the_kiosk_scans_offline_reopens_offline_and_syncs_once(
    browser, live_server, app, client, login_as, monkeypatch
):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    # The offline spell happens at noon in Beijing (the device's clock and, at sync, the
    # server's): its 45 minutes stay in one day, whatever time the suite runs.
    began = this_year_moment()
    activity = factories.make_activity(
        team, starts_at=began - timedelta(minutes=10), title="牧区防火宣传"
    )
    organizer = factories.make_organizer(team, "赵组织")
    admin = factories.make_admin()
    volunteers = [factories.make_volunteer(f"志愿者{n:02d}") for n in range(20)]
    db.session.commit()
    images = [(_image(p), p) for p in (checkin.personal_code_payload(v) for v in volunteers)]

    context = browser.new_context(locale="zh-CN", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    batches = []
    page.on(
        "request",
        lambda r: batches.append((r.headers, r.post_data)) if "/kiosk/sync" in r.url else None,
    )
    try:
        # Online, the organizer opens the kiosk and authorizes this device once.
        page.goto(f"/auth/login?next=/checkin/activities/{activity.id}/kiosk")
        sign_in(page, organizer.phone)
        expect(page.locator("#kiosk-offline")).to_have_attribute("data-ready", "1")
        page.locator("#offline-enroll-button").click()
        page.locator("#offline-ready").wait_for(state="visible")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.clock.set_fixed_time(began)

        # The network goes; twenty volunteers are scanned in, and out 45 minutes later.
        context.set_offline(True)
        _scan_all(page, images, 0)
        assert "离线：20 条待同步" in page.get_by_test_id("offline-pending").inner_text()
        page.clock.set_fixed_time(began + SERVED)
        _scan_all(page, images, 20)

        # Still offline, the page is reloaded: the service worker serves it, the queue is kept.
        page.reload()
        page.clock.set_fixed_time(began + SERVED)
        expect(page.locator("#kiosk-offline")).to_have_attribute("data-ready", "1")
        assert "离线：40 条待同步" in page.get_by_test_id("offline-pending").inner_text()
        people = page.get_by_test_id("offline-people").locator("li[data-state=out]")
        assert people.count() == 20
        assert _offline_records(activity) == []

        # The network returns (the server's clock has moved on as the device's did).
        noon_clock(monkeypatch, "volunteer.api.kiosk_sync", start=began + SERVED)
        context.set_offline(False)
        expect(page.locator("#offline-pending")).to_have_attribute(
            "data-count", "0", timeout=30_000
        )
        assert "已同步：40 条入账，0 条待审核" in page.get_by_test_id("offline-result").inner_text()
        records = _offline_records(activity)
        assert len(records) == 20
        assert {r.volunteer_id for r in records} == {v.id for v in volunteers}
        assert {r.status for r in records} == {RecordStatus.APPROVED}
        assert {r.credited_minutes for r in records} == {45}

        # The same batch replayed changes nothing and answers as before.
        headers, body = batches[-1]
        replay = client.post(
            "/api/v1/kiosk/sync",
            json=json.loads(body),
            headers={"Authorization": headers["authorization"]},
        )
        assert replay.status_code == 200
        outcomes = [item["outcome"] for item in replay.get_json()["items"]]
        assert sorted(set(outcomes)) == ["checked_in", "checked_out"] and len(outcomes) == 40
        assert len(_offline_records(activity)) == 20
        assert db.session.scalar(select(func.count()).select_from(OfflineScan)) == 40

        # The device's key is revoked; its next offline scan is refused at sync, not applied.
        token = db.session.scalars(select(ApiToken)).one()
        api_tokens.revoke(token, admin, utcnow())
        db.session.commit()
        context.set_offline(True)
        page.clock.set_fixed_time(began + SERVED + timedelta(minutes=10))
        _scan_all(page, images[:1], 0)
        context.set_offline(False)
        page.get_by_test_id("offline-revoked").wait_for(state="visible")
        assert _pending(page) == 1
        assert len(_offline_records(activity)) == 20
        refused = db.session.scalars(select(RefusedBatch)).one()
        assert (refused.token_id, refused.scan_count, refused.reason) == (token.id, 1, "revoked")
    finally:
        context.close()

    # The admin sees the refused sync.
    login_as(admin)
    listing = client.get("/admin/kiosk-batches").get_data(as_text=True)
    assert organizer.name in listing and token.hint in listing


def test_the_kiosk_learns_who_is_already_in_and_checks_them_out_offline(
    browser, live_server, app, monkeypatch
):
    """Everyone checked in before the kiosk opened is learned, over several pages of
    present.json; scanned offline, they are checked out, not in again."""
    from volunteer.checkin import routes

    monkeypatch.setattr(routes, "KIOSK_PRESENT_PAGE", 2)
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=40))
    organizer = factories.make_organizer(team, "赵组织")
    volunteers = [factories.make_volunteer(f"早到{n}") for n in range(5)]
    for volunteer in volunteers:
        checkin.scan(volunteer, activity, utcnow() - timedelta(minutes=20), RecordSource.QR)
    db.session.commit()

    context = browser.new_context(locale="zh-CN", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"/auth/login?next=/checkin/activities/{activity.id}/kiosk")
        sign_in(page, organizer.phone)
        expect(page.locator("#kiosk-offline")).to_have_attribute("data-ready", "1")
        people = page.get_by_test_id("offline-people")
        expect(people.locator("li[data-state=in]")).to_have_count(5)
        assert "早到4" in people.inner_text()

        context.set_offline(True)
        payload = checkin.personal_code_payload(volunteers[4])
        assert page.evaluate(SCAN_IMAGE, _image(payload)) == payload
        expect(page.locator("#offline-pending")).to_have_attribute("data-count", "1")
        expect(people.locator("li[data-state=out]")).to_have_count(1)
        assert "早到4" in people.locator("li[data-state=out]").inner_text()
    finally:
        context.close()


def test_a_phone_without_network_at_the_screen_is_told_what_to_do(phone_page, app):
    team = factories.make_organization()
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=10))
    volunteer = factories.make_volunteer("其其格")
    db.session.commit()
    from volunteer.services import tokens

    token = tokens.current_token(activity, utcnow())
    page = phone_page
    # Earlier, online, the volunteer looked at their personal code (the site installs itself).
    page.goto("/auth/login?next=/checkin/my-code")
    sign_in(page, volunteer.user.phone)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1")

    # At the event the phone has no network when the screen's QR is opened.
    page.context.set_offline(True)
    page.goto(f"/checkin/s/{activity.id}/{token.step}/{token.code}")
    assert page.get_by_test_id("scan-result").get_attribute("data-outcome") == "offline"
    assert "个人码" in page.get_by_test_id("offline-advice").inner_text()
    assert "6 位" in page.get_by_test_id("offline-advice").inner_text()

    # Its personal code still opens, for the organizer's kiosk to scan.
    page.get_by_role("link", name="我的个人码").click()
    assert volunteer.volunteer_number in page.locator("main").inner_text()
    assert page.get_by_test_id("personal-qr").locator("svg").count() == 1
