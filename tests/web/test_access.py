"""Who reaches which page: each role gets its pages, and 403 or a login redirect elsewhere."""

import pytest

from tests import factories
from volunteer.extensions import db


@pytest.fixture
def world(app):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner)
    sibling = factories.make_unit("WS-TK", "图克镇", banner)
    village = factories.make_unit("WS-GLT-SRL", "萨如拉嘎查", town)
    team = factories.make_organization("嘎鲁图镇志愿服务队", town)
    people = {
        "admin": factories.make_admin(),
        "coordinator": factories.make_coordinator(town),
        "organizer": factories.make_organizer(team),
        "volunteer": factories.make_volunteer("普通志愿者").user,
    }
    db.session.commit()
    return {"units": (banner, town, sibling, village), "people": people}


ADMIN_PAGES = ["/admin/units", "/admin/organizations", "/admin/grants", "/admin/audit"]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in [*ADMIN_PAGES, "/me/", "/units/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/auth/login?next=" in response.headers["Location"]


def test_public_pages_need_no_account(client, world):
    for url in ["/", "/auth/login", "/auth/register", "/auth/privacy", "/healthz"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["coordinator", "organizer", "volunteer"])
def test_only_admins_reach_admin_pages(client, login_as, world, role):
    login_as(world["people"][role])
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url


def test_admin_reaches_every_admin_page(client, login_as, world):
    login_as(world["people"]["admin"])
    for url in [*ADMIN_PAGES, f"/admin/units/{world['units'][1].id}", "/units/"]:
        assert client.get(url).status_code == 200, url


def test_coordinator_sees_own_subtree_but_not_a_sibling(client, login_as, world):
    banner, town, sibling, village = world["units"]
    login_as(world["people"]["coordinator"])
    assert client.get(f"/units/{town.id}").status_code == 200
    assert client.get(f"/units/{village.id}").status_code == 200
    assert client.get(f"/units/{sibling.id}").status_code == 403
    assert client.get(f"/units/{banner.id}").status_code == 403
    listing = client.get("/units/").get_data(as_text=True)
    assert "嘎鲁图镇" in listing and "1 个下级单位" in listing and "图克镇" not in listing
    assert "萨如拉嘎查" in client.get(f"/units/{town.id}").get_data(as_text=True)
    found = client.get("/units/?q=镇").get_data(as_text=True)
    assert "共 1 个单位符合条件" in found and "图克镇" not in found


def test_volunteers_and_organizers_have_no_unit_pages(client, login_as, world):
    login_as(world["people"]["volunteer"])
    assert client.get("/units/").status_code == 403
    assert client.get(f"/units/{world['units'][1].id}").status_code == 403


def test_missing_objects_are_404_not_500(client, login_as, world):
    login_as(world["people"]["admin"])
    assert client.get("/admin/units/999999").status_code == 404
    assert client.get("/admin/organizations/999999").status_code == 404


def test_navigation_follows_roles(client, login_as, world):
    login_as(world["people"]["volunteer"])
    page = client.get("/").get_data(as_text=True)
    assert "系统管理" not in page and "我的单位" not in page
    client.post("/auth/logout")
    login_as(world["people"]["admin"])
    page = client.get("/").get_data(as_text=True)
    assert "系统管理" in page


def test_ids_beyond_the_integer_range_are_404_not_500(client, login_as, world):
    login_as(world["people"]["admin"])
    assert client.get(f"/admin/units/{2**63}").status_code == 404


def test_a_unit_with_many_sub_units_lists_them_a_page_at_a_time(
    client, login_as, world, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    town = world["units"][1]
    for n in range(2):
        factories.make_unit(f"WS-GLT-{n}", f"新村{n}", town)
    login_as(world["people"]["coordinator"])
    first = client.get(f"/units/{town.id}").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "萨如拉嘎查" in first and "新村1" not in first
    second = client.get(f"/units/{town.id}?page=2").get_data(as_text=True)
    assert "新村1" in second and "萨如拉嘎查" not in second
