"""The large-text view (长辈版): the header switch, its cookie, the profile, and the charts."""

import re
from datetime import UTC, datetime, timedelta

from tests import factories
from tests.conftest import login
from volunteer.extensions import db
from volunteer.models import UnitKind
from volunteer.services.periods import local_today

LARGE_ROOT = '<html lang="zh-CN" class="large-text">'


def test_every_page_offers_the_switch_and_it_is_remembered_on_this_device(client):
    home = client.get("/").get_data(as_text=True)
    assert "长辈版" in home and "large-text" not in home

    response = client.post("/display/large?next=/activities/")
    assert response.status_code == 302 and response.headers["Location"] == "/activities/"
    assert "display=large" in response.headers["Set-Cookie"]
    for path in ("/", "/activities/", "/auth/login", "/verify/"):
        page = client.get(path).get_data(as_text=True)
        assert LARGE_ROOT in page and "标准版" in page

    client.post("/display/standard")
    assert LARGE_ROOT not in client.get("/").get_data(as_text=True)


def test_the_switch_never_redirects_to_another_site(client):
    response = client.post("/display/large?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_a_choice_made_before_signing_in_is_kept_in_the_profile(client, app):
    volunteer = factories.make_volunteer("乌云")
    db.session.commit()
    client.post("/display/large")
    login(client, volunteer.user)
    db.session.refresh(volunteer.user)
    assert volunteer.user.large_text is True
    assert LARGE_ROOT in client.get("/me/").get_data(as_text=True)


def test_the_profile_applies_on_a_new_device_after_sign_in(client, app):
    volunteer = factories.make_volunteer("乌云")
    volunteer.user.large_text = True
    db.session.commit()
    assert LARGE_ROOT not in client.get("/").get_data(as_text=True)
    login(client, volunteer.user)
    assert client.get_cookie("display").value == "large"  # this device keeps it after sign-out
    assert LARGE_ROOT in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    assert LARGE_ROOT in client.get("/").get_data(as_text=True)


def test_switching_back_while_signed_in_updates_the_profile(client, app):
    volunteer = factories.make_volunteer("乌云")
    volunteer.user.large_text = True
    db.session.commit()
    login(client, volunteer.user)
    client.post("/display/standard")
    db.session.refresh(volunteer.user)
    assert volunteer.user.large_text is False
    assert LARGE_ROOT not in client.get("/").get_data(as_text=True)


def _font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]


def _chart_world():
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    coordinator = factories.make_coordinator(town)
    served = factories.make_volunteer("乌云")
    factories.make_roster_entry(town, served)
    factories.make_roster_entry(town)
    start = datetime(local_today().year, 1, 1, 1, tzinfo=UTC)
    activity = factories.make_activity(factories.make_organization(), starts_at=start)
    factories.make_record(served, activity, 90, check_in_at=start + timedelta(minutes=5))
    db.session.commit()
    return town, coordinator


def test_charts_have_12_px_labels_a_title_and_their_figures_in_a_description(client, app):
    town, coordinator = _chart_world()
    login(client, coordinator)
    page = client.get(f"/compliance/units/{town.id}").get_data(as_text=True)
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert min(_font_sizes(chart)) >= 12
    width = re.search(r'viewBox="0 0 (\d+)', chart).group(1)
    assert f'width="{width}"' in chart  # drawn at natural size: 12 units are 12 px
    assert "<title" in chart and "嘎鲁图镇：干部职工完成率 50.0%" in chart

    history = client.get(f"/compliance/units/{town.id}/history.svg").get_data(as_text=True)
    assert min(_font_sizes(history)) >= 12 and "<title" in history and "<desc" in history


def test_charts_are_drawn_larger_in_the_large_text_view(client, app):
    town, coordinator = _chart_world()
    login(client, coordinator)
    client.post("/display/large")
    page = client.get(f"/compliance/units/{town.id}").get_data(as_text=True)
    assert f"/compliance/units/{town.id}/history.svg?size=large" in page
    chart = page[page.index("<svg") : page.index("</svg>")]
    view_width = int(re.search(r'viewBox="0 0 (\d+)', chart).group(1))
    shown_width = int(re.search(r'width="(\d+)"', chart).group(1))
    assert shown_width * 12 / view_width >= 16  # 12-unit labels shown at 16 px

    large = client.get(f"/compliance/units/{town.id}/history.svg?size=large").get_data(as_text=True)
    standard = client.get(f"/compliance/units/{town.id}/history.svg").get_data(as_text=True)
    assert int(re.search(r'width="(\d+)"', large).group(1)) > int(
        re.search(r'width="(\d+)"', standard).group(1)
    )
