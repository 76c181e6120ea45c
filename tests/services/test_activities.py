"""Activities and sign-ups: who may create them, capacity, overlaps, filters."""

from datetime import timedelta

import pytest

from tests import factories
from volunteer.models import ActivityStatus, ServiceCategory, SignupStatus, utcnow
from volunteer.services import activities
from volunteer.services.errors import PermissionDenied, ServiceError


@pytest.fixture
def team(app):
    return factories.make_organization("图克镇志愿服务队")


def _data(team, starts_in_hours=24, hours=2, **overrides):
    start = utcnow() + timedelta(hours=starts_in_hours)
    fields = {
        "organization": team,
        "title": "社区环境整治",
        "description": "清理小区垃圾",
        "category": ServiceCategory.ENVIRONMENT,
        "place": "图克镇",
        "starts_at": start,
        "ends_at": start + timedelta(hours=hours),
    }
    fields.update(overrides)
    return activities.ActivityData(**fields)


def test_an_organizer_creates_a_draft_and_publishes_it(team):
    organizer = factories.make_organizer(team)
    activity = activities.save_activity(None, _data(team), organizer)
    assert activity.status == ActivityStatus.DRAFT
    assert len(activity.checkin_secret) == 32
    activities.publish(activity, organizer)
    assert activity.status == ActivityStatus.PUBLISHED


def test_only_organizers_of_the_organization_may_create(team):
    stranger = factories.make_organizer(factories.make_organization())
    with pytest.raises(PermissionDenied):
        activities.save_activity(None, _data(team), stranger)
    admin = factories.make_admin()
    assert activities.save_activity(None, _data(team), admin).id


def test_an_activity_must_end_after_it_starts_and_a_geofence_is_complete(team):
    organizer = factories.make_organizer(team)
    with pytest.raises(ServiceError, match="晚于"):
        activities.save_activity(None, _data(team, hours=0), organizer)
    with pytest.raises(ServiceError, match="电子围栏"):
        activities.save_activity(None, _data(team, latitude=38.6), organizer)


def test_cancelling_needs_a_reason_and_keeps_the_activity(team):
    organizer = factories.make_organizer(team)
    activity = factories.make_activity(team)
    with pytest.raises(ServiceError):
        activities.cancel(activity, "", organizer, utcnow())
    activities.cancel(activity, "大风天气", organizer, utcnow())
    assert activity.status == ActivityStatus.CANCELLED
    assert activity.cancel_reason == "大风天气"


def test_capacity_is_enforced(team):
    activity = factories.make_activity(team, starts_at=utcnow() + timedelta(days=1), capacity=1)
    activities.sign_up(factories.make_volunteer("甲"), activity, utcnow())
    with pytest.raises(ServiceError, match="已满"):
        activities.sign_up(factories.make_volunteer("乙"), activity, utcnow())


def test_overlapping_sign_ups_are_refused(team):
    start = utcnow() + timedelta(days=1)
    first = factories.make_activity(team, starts_at=start, hours=3, title="上午活动")
    overlapping = factories.make_activity(team, starts_at=start + timedelta(hours=2), title="重叠")
    after = factories.make_activity(team, starts_at=start + timedelta(hours=3), title="之后")
    volunteer = factories.make_volunteer()
    activities.sign_up(volunteer, first, utcnow())
    with pytest.raises(ServiceError, match="上午活动"):
        activities.sign_up(volunteer, overlapping, utcnow())
    assert activities.sign_up(volunteer, after, utcnow()).status == SignupStatus.SIGNED_UP


def test_cancel_then_sign_up_again_reuses_the_row(team):
    activity = factories.make_activity(team, starts_at=utcnow() + timedelta(days=1), capacity=1)
    volunteer = factories.make_volunteer()
    first = activities.sign_up(volunteer, activity, utcnow())
    activities.cancel_signup(volunteer, activity, utcnow())
    assert activities.signup_count(activity) == 0
    again = activities.sign_up(volunteer, activity, utcnow())
    assert again.id == first.id and again.status == SignupStatus.SIGNED_UP


def test_sign_up_is_refused_for_drafts_and_ended_activities(team):
    volunteer = factories.make_volunteer()
    draft = factories.make_activity(team, status=ActivityStatus.DRAFT)
    ended = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=5), hours=2)
    for activity in (draft, ended):
        with pytest.raises(ServiceError):
            activities.sign_up(volunteer, activity, utcnow())


def test_browse_filters_by_category_organization_and_date(team):
    other = factories.make_organization()
    tomorrow = utcnow() + timedelta(days=1)
    green = factories.make_activity(
        team, starts_at=tomorrow, category=ServiceCategory.ENVIRONMENT, title="植树"
    )
    factories.make_activity(other, starts_at=tomorrow, category=ServiceCategory.TRAFFIC)
    factories.make_activity(team, starts_at=tomorrow + timedelta(days=10), title="下个月")
    factories.make_activity(team, status=ActivityStatus.DRAFT, starts_at=tomorrow)
    by_category = activities.browse(
        activities.Filters(category=ServiceCategory.ENVIRONMENT), utcnow()
    )
    assert [a.id for a, _n in by_category] == [green.id]
    by_org = activities.browse(activities.Filters(organization_id=team.id), utcnow())
    assert len(by_org) == 2
    by_date = activities.browse(activities.Filters(date_to=tomorrow + timedelta(days=2)), utcnow())
    assert len(by_date) == 2


def test_the_list_filters_by_the_organizations_with_activities_on_or_by_part_of_a_name(team):
    tomorrow, now = utcnow() + timedelta(days=1), utcnow()
    traffic = factories.make_organization("乌审旗交通志愿服务队")
    factories.make_organization("没有活动的服务队")
    drafting = factories.make_organization("只有草稿的服务队")
    finished = factories.make_organization("活动已结束的服务队")
    factories.make_activity(team, starts_at=tomorrow, title="植树")
    factories.make_activity(traffic, starts_at=tomorrow, title="文明劝导")
    factories.make_activity(drafting, status=ActivityStatus.DRAFT, starts_at=tomorrow)
    factories.make_activity(finished, starts_at=now - timedelta(hours=5), hours=2)
    running = activities.browse_organizations(now, limit=2)
    assert running == sorted([team, traffic], key=lambda o: o.name)
    assert activities.browse_organizations(now, limit=1) is None  # a name search instead
    by_name = activities.browse(activities.Filters(organization_name="交通"), now)
    assert [a.title for a, _n in by_name] == ["文明劝导"]
    assert activities.browse(activities.Filters(organization_name="%"), now) == []
