"""Activities, sign-ups, records and the review queue through the client."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import Activity, ActivityStatus, RecordStatus, ServiceRecord, utcnow
from volunteer.services import checkin, records
from volunteer.services.periods import aware_to_beijing_naive


@pytest.fixture
def world(app):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    other = factories.make_organization("图克镇志愿服务队")
    data = {
        "team": team,
        "other": other,
        "organizer": factories.make_organizer(team),
        "volunteer": factories.make_volunteer("乌兰"),
    }
    db.session.commit()
    return data


def _past(hours):
    """A whole minute some hours ago, so times typed into forms (minutes) match exactly."""
    return utcnow().replace(second=0, microsecond=0) - timedelta(hours=hours)


def _local(moment):
    return aware_to_beijing_naive(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_organizer_creates_publishes_and_cancels_an_activity(client, login_as, world):
    login_as(world["organizer"])
    start = utcnow() + timedelta(days=2)
    response = client.post(
        "/activities/new",
        data={
            "organization_id": str(world["team"].id),
            "title": "敬老院慰问",
            "category": "elderly",
            "place": "嘎鲁图镇敬老院",
            "starts_at": _local(start),
            "ends_at": _local(start + timedelta(hours=3)),
            "capacity": "20",
        },
    )
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity).where(Activity.title == "敬老院慰问"))
    assert activity.status == ActivityStatus.DRAFT and activity.capacity == 20
    assert activity.ends_at - activity.starts_at == timedelta(hours=3)
    client.post(f"/activities/{activity.id}/publish")
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.PUBLISHED
    client.post(f"/activities/{activity.id}/cancel", data={"reason": "天气原因"})
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.CANCELLED


def test_an_organizer_cannot_create_for_someone_elses_organization(client, login_as, world):
    login_as(world["organizer"])
    start = utcnow() + timedelta(days=2)
    page = client.post(
        "/activities/new",
        data={
            "organization_id": str(world["other"].id),
            "title": "越权活动",
            "category": "other",
            "place": "图克镇",
            "starts_at": _local(start),
            "ends_at": _local(start + timedelta(hours=1)),
        },
    )
    assert page.status_code == 200
    assert db.session.scalar(select(Activity).where(Activity.title == "越权活动")) is None


def test_organizers_only_edit_their_own_activities(client, login_as, world):
    foreign = factories.make_activity(world["other"])
    own = factories.make_activity(world["team"])
    login_as(world["organizer"])
    assert client.get(f"/activities/{own.id}/edit").status_code == 200
    assert client.get(f"/activities/{foreign.id}/edit").status_code == 403
    assert client.post(f"/activities/{foreign.id}/cancel", data={"reason": "x"}).status_code == 403


def test_volunteers_browse_filter_and_sign_up(client, login_as, world):
    start = utcnow() + timedelta(days=1)
    trees = factories.make_activity(
        world["team"], starts_at=start, title="植树", category="environment", capacity=1
    )
    factories.make_activity(world["other"], starts_at=start, title="交通劝导", category="traffic")
    draft = factories.make_activity(world["team"], title="草稿活动", status=ActivityStatus.DRAFT)
    db.session.commit()
    listing = client.get("/activities/?category=environment").get_data(as_text=True)
    assert "植树" in listing and "交通劝导" not in listing and "草稿活动" not in listing
    assert client.get(f"/activities/{draft.id}").status_code == 404
    login_as(world["volunteer"].user)
    client.post(f"/activities/{trees.id}/signup")
    assert "植树" in client.get("/activities/mine").get_data(as_text=True)
    full = factories.make_volunteer("后来者")
    db.session.commit()
    client.post("/auth/logout")
    login_as(full.user)
    response = client.post(f"/activities/{trees.id}/signup", follow_redirects=True)
    assert "本活动名额已满" in response.get_data(as_text=True)


def test_the_list_offers_the_organizations_with_activities_on_then_a_name_search(
    app, client, world
):
    factories.make_activity(world["team"], starts_at=utcnow() + timedelta(days=1), title="植树")
    factories.make_activity(world["other"], starts_at=utcnow() + timedelta(days=1), title="劝导")
    factories.make_organization("没有活动的服务队")
    db.session.commit()
    listing = client.get("/activities/").get_data(as_text=True)
    assert 'name="organization_id"' in listing and 'name="organization_name"' not in listing
    assert "嘎鲁图镇志愿服务队</option>" in listing and "没有活动的服务队" not in listing
    app.config["ORGANIZATION_SELECT_LIMIT"] = 1
    listing = client.get("/activities/?organization_name=图克镇").get_data(as_text=True)
    assert 'name="organization_name"' in listing and 'name="organization_id"' not in listing
    assert "嘎鲁图镇志愿服务队</option>" not in listing
    assert "劝导" in listing and "植树" not in listing


def test_my_records_show_totals_and_pending_claims(client, login_as, world):
    volunteer = world["volunteer"]
    activity = factories.make_activity(world["team"], starts_at=_past(hours=5))
    factories.make_record(volunteer, activity, minutes=90)
    records.submit_claim(
        volunteer, activity, activity.starts_at, activity.ends_at, "补录", utcnow()
    )
    login_as(volunteer.user)
    page = client.get("/records/mine").get_data(as_text=True)
    assert "1.5" in page and "待审核" in page


def test_reads_never_show_a_stale_record_as_open(client, login_as, world):
    volunteer = world["volunteer"]
    ended = factories.make_activity(world["team"], starts_at=utcnow() - timedelta(hours=8), hours=3)
    record = checkin.scan(volunteer, ended, ended.starts_at, "qr").record
    login_as(volunteer.user)
    page = client.get("/records/mine").get_data(as_text=True)
    assert "缺少签退" in page and "已签到" not in page.split("全部记录")[1]
    db.session.refresh(record)
    assert record.status == RecordStatus.MISSING_CHECKOUT


def test_a_claim_is_submitted_then_approved_by_the_organizer(client, login_as, world):
    volunteer = world["volunteer"]
    activity = factories.make_activity(world["team"], starts_at=_past(hours=5))
    db.session.commit()
    login_as(volunteer.user)
    response = client.post(
        "/records/claim",
        data={
            "activity_id": str(activity.id),
            "check_in": _local(activity.starts_at),
            "check_out": _local(activity.starts_at + timedelta(hours=2)),
            "reason": "手机没电",
        },
    )
    assert response.status_code == 302
    claim = db.session.scalar(select(ServiceRecord))
    assert claim.status == RecordStatus.PENDING
    client.post("/auth/logout")
    login_as(world["organizer"])
    queue = client.get("/records/review").get_data(as_text=True)
    assert "乌兰" in queue and "手机没电" in queue
    client.post(f"/records/{claim.id}/decide", data={"approve": "1"})
    db.session.refresh(claim)
    assert claim.status == RecordStatus.APPROVED and claim.credited_minutes == 120
    detail = client.get(f"/records/{claim.id}").get_data(as_text=True)
    assert "更正记录" in detail and "120" in detail


def test_a_rejection_without_a_reason_is_refused(client, login_as, world):
    activity = factories.make_activity(world["team"], starts_at=_past(hours=5))
    claim = records.submit_claim(
        world["volunteer"], activity, activity.starts_at, activity.ends_at, "补录", utcnow()
    )
    login_as(world["organizer"])
    page = client.post(f"/records/{claim.id}/decide", data={"reject": "1"}, follow_redirects=True)
    assert "请填写原因" in page.get_data(as_text=True)
    db.session.refresh(claim)
    assert claim.status == RecordStatus.PENDING


def test_the_organizer_adds_a_paper_record_and_corrects_times(client, login_as, world):
    volunteer = world["volunteer"]
    activity = factories.make_activity(world["team"], starts_at=_past(hours=5))
    db.session.commit()
    login_as(world["organizer"])
    client.post(
        f"/records/activities/{activity.id}",
        data={
            "volunteer": volunteer.volunteer_number,
            "name": volunteer.user.name,
            "check_in": _local(activity.starts_at),
            "check_out": _local(activity.starts_at + timedelta(hours=1)),
            "reason": "纸质签到表",
        },
    )
    record = db.session.scalar(select(ServiceRecord))
    assert record.credited_minutes == 60 and record.status == RecordStatus.APPROVED
    client.post(
        f"/records/{record.id}/times",
        data={
            "check_in": _local(activity.starts_at),
            "check_out": _local(activity.starts_at + timedelta(hours=2)),
            "reason": "签到表时间抄错",
        },
    )
    db.session.refresh(record)
    assert record.credited_minutes == 120
    assert [(a.before_minutes, a.after_minutes) for a in record.adjustments] == [(0, 60), (60, 120)]


def test_a_volunteer_sees_their_own_record_but_not_anothers(client, login_as, world):
    activity = factories.make_activity(world["team"], starts_at=_past(hours=5))
    mine = factories.make_record(world["volunteer"], activity)
    theirs = factories.make_record(factories.make_volunteer("别人"), activity)
    login_as(world["volunteer"].user)
    assert client.get(f"/records/{mine.id}").status_code == 200
    assert client.get(f"/records/{theirs.id}").status_code == 403
    assert client.post(f"/records/{mine.id}/decide", data={"approve": "1"}).status_code == 403


def test_opening_a_stale_record_shows_it_as_missing_check_out(client, login_as, world):
    volunteer = world["volunteer"]
    ended = factories.make_activity(world["team"], starts_at=_past(hours=8), hours=3)
    record = checkin.scan(volunteer, ended, ended.starts_at, "qr").record
    login_as(world["organizer"])
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "缺少签退" in page and "填写实际时间" in page


def _claim(name, team, hours_ago):
    """A pending claim by a new volunteer on an activity that started some hours ago."""
    activity = factories.make_activity(team, starts_at=_past(hours=hours_ago))
    volunteer = factories.make_volunteer(name)
    return records.submit_claim(
        volunteer, activity, activity.starts_at, activity.ends_at, "补录", utcnow()
    )


def test_a_long_review_queue_is_paged_oldest_first_and_filtered(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for name, hours_ago in (("甲一", 80), ("乙二", 60), ("丙三", 40)):
        _claim(name, world["team"], hours_ago)
    _claim("外队", world["other"], 90)
    login_as(world["organizer"])
    first = client.get("/records/review").get_data(as_text=True)
    assert "共 3 条记录待审核" in first and "第 1 / 2 页" in first and "外队" not in first
    assert first.index("甲一") < first.index("乙二") and "丙三" not in first
    second = client.get("/records/review?page=2").get_data(as_text=True)
    assert "丙三" in second and "甲一" not in second and "上一页" in second
    since = aware_to_beijing_naive(_past(hours=50)).date()
    recent = client.get(f"/records/review?since={since}").get_data(as_text=True)
    assert "甲一" not in recent and "丙三" in recent
    missing = client.get("/records/review?status=missing_checkout").get_data(as_text=True)
    assert "共 0 条记录待审核" in missing and "乙二" not in missing


def test_a_long_activity_list_is_paged_latest_first_and_found_by_title(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for title, hours_ago in (("植树甲", 80), ("清扫乙", 60), ("植树丙", 40)):
        factories.make_activity(world["team"], starts_at=_past(hours=hours_ago), title=title)
    factories.make_activity(world["other"], title="外队活动")
    factories.make_activity(world["team"], title="草稿丁", status=ActivityStatus.DRAFT)
    login_as(world["organizer"])
    first = client.get("/activities/manage").get_data(as_text=True)
    assert "共 4 个活动" in first and "第 1 / 2 页" in first and "外队活动" not in first
    assert first.index("草稿丁") < first.index("植树丙") and "清扫乙" not in first
    second = client.get("/activities/manage?page=2").get_data(as_text=True)
    assert "清扫乙" in second and "植树甲" in second and "植树丙" not in second
    found = client.get("/activities/manage?q=植树").get_data(as_text=True)
    assert "共 2 个活动" in found and "清扫乙" not in found and "第 1 / 2 页" not in found
    drafts = client.get("/activities/manage?status=draft").get_data(as_text=True)
    assert "共 1 个活动" in drafts and "草稿丁" in drafts
    assert "共 0 个活动" in client.get("/activities/manage?q=%25").get_data(as_text=True)


def test_an_activity_s_records_and_its_queue_come_a_page_at_a_time(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    activity = factories.make_activity(world["team"], starts_at=_past(hours=5))
    for number in range(3):
        volunteer = factories.make_volunteer(f"记录{number}")
        factories.make_record(
            volunteer, activity, check_in_at=activity.starts_at + timedelta(minutes=number)
        )
    for number in range(3):
        volunteer = factories.make_volunteer(f"待审{number}")
        factories.make_record(
            volunteer,
            activity,
            status=RecordStatus.PENDING,
            check_in_at=activity.starts_at + timedelta(minutes=10 + number),
        )
    db.session.commit()
    login_as(world["organizer"])
    url = f"/records/activities/{activity.id}"
    first = client.get(url).get_data(as_text=True)
    listed = first.split('id="activity-records"')[1].split("</tbody>")[0]
    assert "共 6 条记录" in first and listed.count("<tr>") == 2 and "记录0" in listed
    assert "共 3 条记录待审核" in first
    queued = first.split('data-testid="review-queue"')[1].split("</div>\n</div>")[0]
    assert queued.count("list-group-item-action") == 2 and "待审2" not in queued
    last = client.get(url + "?page=3&qpage=2").get_data(as_text=True)
    listed = last.split('id="activity-records"')[1].split("</tbody>")[0]
    assert listed.count("<tr>") == 2 and "待审2" in listed and "记录0" not in listed
    queued = last.split('data-testid="review-queue"')[1].split('id="activity-records"')[0]
    assert "待审2" in queued and "待审0" not in queued


def test_my_records_come_a_page_at_a_time_with_claims_and_sheets_above(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    volunteer = world["volunteer"]
    for hours, title in ((30, "最早的活动"), (20, "中间的活动"), (10, "最近的活动")):
        activity = factories.make_activity(world["team"], starts_at=_past(hours=hours), title=title)
        factories.make_record(volunteer, activity)
    records.submit_claim(
        volunteer, activity, activity.starts_at, activity.ends_at, "补录", utcnow()
    )
    db.session.commit()
    login_as(volunteer.user)
    first = client.get("/records/mine").get_data(as_text=True)
    listed = first.split('id="my-records"')[1].split('data-testid="pager-page"')[0]
    assert "共 4 条记录" in first and "第 1 / 2 页" in first
    assert listed.count("list-group-item-action") == 2 and "最早的活动" not in listed
    assert "待审核" in first.split('id="my-records"')[0]  # the claim waits above, on every page
    second = client.get("/records/mine?page=2").get_data(as_text=True)
    listed = second.split('id="my-records"')[1]
    assert listed.count("list-group-item-action") == 2 and "最早的活动" in listed
    assert "待审核" in second.split('id="my-records"')[0]


def test_sign_ups_come_a_page_at_a_time_to_the_organizer_and_the_volunteer(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    start = utcnow() + timedelta(days=1)
    walk = factories.make_activity(world["team"], starts_at=start, title="健步走")
    for number in range(3):
        factories.make_signup(factories.make_volunteer(f"报名{number}"), walk)
    for days, title in ((3, "三天后"), (2, "两天后"), (4, "四天后")):
        later = factories.make_activity(
            world["team"], starts_at=start + timedelta(days=days), title=title
        )
        factories.make_signup(world["volunteer"], later)
    db.session.commit()
    login_as(world["organizer"])
    first = client.get(f"/activities/{walk.id}").get_data(as_text=True)
    listed = first.split('data-testid="signups"')[1].split("</ul>")[0]
    assert "已报名（3 人）" in first and listed.count("<li") == 2 and "报名2" not in listed
    second = client.get(f"/activities/{walk.id}?spage=2").get_data(as_text=True)
    assert "报名2" in second.split('data-testid="signups"')[1].split("</ul>")[0]
    client.post("/auth/logout")
    login_as(world["volunteer"].user)
    mine = client.get("/activities/mine").get_data(as_text=True)
    listed = mine.split('id="my-signups"')[1].split('data-testid="pager-page"')[0]
    assert "四天后" in listed and "三天后" in listed and "两天后" not in listed
    assert "两天后" in client.get("/activities/mine?page=2").get_data(as_text=True)
