"""Under-18 status is visible to the activity's organizers, and only to them."""

from datetime import date

from tests import factories
from volunteer.services.identity import is_minor


def test_under_18_is_judged_on_the_day():
    assert is_minor(date(2008, 11, 26), date(2026, 11, 25))
    assert not is_minor(date(2008, 11, 25), date(2026, 11, 25))
    assert not is_minor(None, date(2026, 11, 25))


def test_organizer_sees_who_signed_up_and_who_is_under_18(client, login_as, app):
    team = factories.make_organization("青年志愿服务队")
    activity = factories.make_activity(team)
    teenager = factories.make_volunteer("小明", birth=date(date.today().year - 16, 1, 1))
    adult = factories.make_volunteer("大明")
    for volunteer in (teenager, adult):
        factories.make_signup(volunteer, activity)
    organizer = factories.make_organizer(team)
    login_as(organizer)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "已报名（2 人）" in page
    assert page.count("未满18周岁") == 1
    assert adult.user.phone not in page  # phones stay masked


def test_volunteers_do_not_see_the_sign_up_list(client, login_as, app):
    team = factories.make_organization()
    activity = factories.make_activity(team)
    other = factories.make_volunteer("别人", birth=date(date.today().year - 16, 1, 1))
    factories.make_signup(other, activity)
    login_as(factories.make_volunteer("我").user)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "别人" not in page and "未满18周岁" not in page
