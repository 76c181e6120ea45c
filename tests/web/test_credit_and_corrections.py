"""Claims that make sense, the review page's credit preview and correction requests (申请更正)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import (
    CorrectionRequest,
    CorrectionStatus,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    utcnow,
)
from volunteer.services import checkin, ledger, records
from volunteer.services.periods import aware_to_beijing_naive


@pytest.fixture
def world(app):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    start = utcnow().replace(second=0, microsecond=0) - timedelta(hours=8)
    data = {
        "activity": factories.make_activity(team, starts_at=start, hours=3, title="河道清理"),
        "organizer": factories.make_organizer(team),
        "volunteer": factories.make_volunteer("乌兰"),
        "start": start,
    }
    db.session.commit()
    return data


def _local(moment):
    return aware_to_beijing_naive(moment).strftime("%Y-%m-%dT%H:%M")


def _scan(world, minutes):
    volunteer, activity, start = world["volunteer"], world["activity"], world["start"]
    checkin.scan(volunteer, activity, start, RecordSource.QR)
    return checkin.scan(volunteer, activity, start + timedelta(minutes=minutes), RecordSource.QR)


def test_the_claim_form_lists_activities_with_date_and_times(client, login_as, world):
    login_as(world["volunteer"].user)
    page = client.get("/records/claim").get_data(as_text=True)
    local = aware_to_beijing_naive(world["start"])
    end = local + timedelta(hours=3)
    # An activity over Beijing midnight names its end's day too (run between 05:00 and 08:00).
    end_day = "" if end.date() == local.date() else f"{end.month}月{end.day}日 "
    assert f"河道清理 · {local.month}月{local.day}日 {local:%H:%M}–{end_day}{end:%H:%M}" in page


def test_a_claim_outside_the_activity_is_refused_on_the_form(client, login_as, world):
    login_as(world["volunteer"].user)
    late = world["start"] + timedelta(hours=4)
    response = client.post(
        "/records/claim",
        data={
            "activity_id": str(world["activity"].id),
            "check_in": _local(late),
            "check_out": _local(late + timedelta(hours=1)),
            "reason": "下午也在",
        },
    )
    assert response.status_code == 200
    assert "不重叠" in response.get_data(as_text=True)
    assert records.record_page_of(world["volunteer"], None).items == []


def test_the_review_page_shows_the_overlap_and_what_approval_credits(client, login_as, world):
    _scan(world, 95)
    claim = records.submit_claim(
        world["volunteer"],
        world["activity"],
        world["start"],
        world["start"] + timedelta(minutes=120),
        "晚走了",
        utcnow(),
    )
    login_as(world["organizer"])
    page = client.get(f"/records/{claim.id}").get_data(as_text=True)
    assert "与『河道清理』的记录重叠 95 分钟" in page
    assert "批准后计入 25 分钟" in page


def test_approving_a_fully_covered_claim_is_refused_with_the_reason(client, login_as, world):
    _scan(world, 180)
    claim = records.submit_claim(
        world["volunteer"],
        world["activity"],
        world["start"],
        world["start"] + timedelta(minutes=180),
        "扫码失败",
        utcnow(),
    )
    login_as(world["organizer"])
    response = client.post(
        f"/records/{claim.id}/decide", data={"approve": "1"}, follow_redirects=True
    )
    assert "批准后计入 0 分钟" in response.get_data(as_text=True)
    assert ledger.minutes_in(None, world["volunteer"].id) == 180


def test_a_volunteer_asks_for_a_correction_and_the_organizer_amends(client, login_as, world):
    record = _scan(world, 60).record
    login_as(world["volunteer"].user)
    asked = client.post(
        f"/records/{record.id}/correction",
        data={
            "ask-check_in": _local(world["start"]),
            "ask-check_out": _local(world["start"] + timedelta(minutes=150)),
            "ask-reason": "离开时忘记扫码，实际服务到 150 分钟",
        },
        follow_redirects=True,
    )
    assert "已提交给组织者" in asked.get_data(as_text=True)
    client.post("/auth/logout")
    login_as(world["organizer"])
    queue = client.get("/records/review").get_data(as_text=True)
    assert "离开时忘记扫码" in queue
    request = db.session.scalars(select(CorrectionRequest)).one()
    client.post(f"/records/corrections/{request.id}/decide", data={"correction-approve": "1"})
    db.session.expire_all()
    assert request.status == CorrectionStatus.APPROVED
    assert (record.credited_minutes, len(record.adjustments)) == (150, 1)


def test_the_claim_form_lists_the_latest_activities_and_finds_the_others(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    older = factories.make_activity(
        world["activity"].organization,
        starts_at=world["start"] - timedelta(days=3),
        title="植树造林",
    )
    for days, title in ((2, "敬老院探访"), (1, "社区清扫")):
        factories.make_activity(
            world["activity"].organization,
            starts_at=world["start"] - timedelta(days=days),
            title=title,
        )
    db.session.commit()
    login_as(world["volunteer"].user)
    page = client.get("/records/claim").get_data(as_text=True)
    assert "河道清理" in page and "社区清扫" in page and "植树造林" not in page
    assert "列表只显示最近的 2 个活动" in page
    found = client.get("/records/claim?q=植树").get_data(as_text=True)
    assert "植树造林" in found and "河道清理" not in found
    assert "没有匹配的近期活动" in client.get("/records/claim?q=不存在").get_data(as_text=True)
    linked = client.get(f"/records/claim?activity_id={older.id}").get_data(as_text=True)
    assert f'<option selected value="{older.id}">' in linked
    client.post(
        "/records/claim",
        data={
            "activity_id": str(older.id),
            "check_in": _local(older.starts_at),
            "check_out": _local(older.starts_at + timedelta(hours=1)),
            "reason": "忘记签到",
        },
    )
    claim = db.session.scalar(select(ServiceRecord).where(ServiceRecord.activity_id == older.id))
    assert claim is not None and claim.status == RecordStatus.PENDING
