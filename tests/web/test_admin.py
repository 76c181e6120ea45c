"""Admin pages: the unit tree, organizations and role grants."""

import pytest
from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import AuditEntry, Organization, Role, RoleGrant, Unit


@pytest.fixture
def admin_client(client, login_as, app):
    factories.make_unit("WS", "乌审旗")
    login_as(factories.make_admin())
    return client


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def test_create_rename_move_and_deactivate_a_unit(admin_client):
    banner = unit("WS")
    for code, name in (("WS-GLT", "嘎鲁图镇"), ("WS-TK", "图克镇")):
        response = admin_client.post(
            "/admin/units",
            data={"code": code, "name": name, "kind": "town", "parent_id": banner.id},
        )
        assert response.status_code == 302
    admin_client.post(
        "/admin/units",
        data={
            "code": "WS-GLT-1",
            "name": "一村",
            "kind": "village",
            "parent_id": unit("WS-GLT").id,
        },
    )
    village = unit("WS-GLT-1")
    admin_client.post(f"/admin/units/{village.id}", data={"name": "一嘎查", "kind": "village"})
    admin_client.post(f"/admin/units/{village.id}/move", data={"move-parent_code": "ws-tk"})
    admin_client.post(f"/admin/units/{village.id}/active", data={})
    village = unit("WS-GLT-1")
    assert village.name == "一嘎查"
    assert village.parent.code == "WS-TK"
    assert village.active is False


def test_duplicate_unit_code_shows_a_message(admin_client):
    response = admin_client.post(
        "/admin/units",
        data={"code": "WS", "name": "又一个", "kind": "town", "parent_id": unit("WS").id},
    )
    assert "单位编码 WS 已被使用。" in response.get_data(as_text=True)


def test_deactivating_a_unit_with_active_children_is_refused(admin_client):
    banner = unit("WS")
    factories.make_unit("WS-A", "甲", banner)
    db.session.commit()
    response = admin_client.post(f"/admin/units/{banner.id}/active", data={}, follow_redirects=True)
    assert "请先停用其下级单位。" in response.get_data(as_text=True)
    assert unit("WS").active


def test_create_and_edit_an_organization(admin_client):
    response = admin_client.post(
        "/admin/organizations/new",
        data={"name": "旗文明办志愿服务队", "unit_code": "WS", "active": "y"},
    )
    assert response.status_code == 302
    organization = db.session.scalar(select(Organization))
    admin_client.post(
        f"/admin/organizations/{organization.id}",
        data={"name": "旗文明办志愿服务总队", "unit_code": "", "active": "y"},
    )
    assert organization.name == "旗文明办志愿服务总队"
    assert organization.unit is None


def test_the_organization_form_shows_its_units_code_and_refuses_an_unknown_one(admin_client):
    team = factories.make_organization("旗文明办志愿服务队", unit("WS"))
    db.session.commit()
    page = admin_client.get(f"/admin/organizations/{team.id}").get_data(as_text=True)
    assert 'name="unit_code"' in page and 'value="WS"' in page and "乌审旗</option>" not in page
    assert 'href="/admin/units"' in page
    response = admin_client.post(
        f"/admin/organizations/{team.id}",
        data={"name": "旗文明办志愿服务队", "unit_code": "NOPE", "kind": "other", "active": "y"},
    )
    assert "没有代码为 NOPE 的有效单位。" in response.get_data(as_text=True)
    assert team.unit.code == "WS"


def test_a_move_names_the_parent_by_code_outside_the_units_own_subtree(admin_client):
    banner = unit("WS")
    town = factories.make_unit("WS-A", "甲镇", banner)
    village = factories.make_unit("WS-A-1", "甲一村", town)
    db.session.commit()
    for code, error in (
        ("WS-A-1", "单位不能移动到自身或其下级单位之下。"),
        ("ZZ", "没有代码为 ZZ 的有效单位。"),
    ):
        response = admin_client.post(
            f"/admin/units/{town.id}/move", data={"move-parent_code": code}, follow_redirects=True
        )
        assert error in response.get_data(as_text=True)
    assert unit("WS-A").parent.code == "WS" and village.parent.code == "WS-A"
    page = admin_client.get(f"/admin/units/{village.id}").get_data(as_text=True)
    assert 'name="move-parent_code"' in page and "乌审旗</option>" not in page


def test_an_inactive_unit_cannot_be_named(admin_client):
    banner = unit("WS")
    town = factories.make_unit("WS-A", "甲镇", banner)
    factories.make_unit("WS-B", "乙镇", banner).active = False
    db.session.commit()
    response = admin_client.post(
        f"/admin/units/{town.id}/move", data={"move-parent_code": "WS-B"}, follow_redirects=True
    )
    assert "没有代码为 WS-B 的有效单位。" in response.get_data(as_text=True)
    assert unit("WS-A").parent.code == "WS"


def test_the_organizations_list_pages_and_searches_by_name(admin_client, monkeypatch):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for name in ("甲队", "乙队", "丙队", "丁服务社"):
        factories.make_organization(name, unit("WS"))
    db.session.commit()
    first = admin_client.get("/admin/organizations").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "共 4 个志愿服务组织" in first
    second = admin_client.get("/admin/organizations?page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in second
    shown = [n for n in ("甲队", "乙队", "丙队", "丁服务社") if n in first + second]
    assert len(shown) == 4 and not any(n in first and n in second for n in shown)
    found = admin_client.get("/admin/organizations?q=服务").get_data(as_text=True)
    assert "丁服务社" in found and "甲队" not in found and "共 1 个志愿服务组织" in found


def test_search_grant_and_revoke_a_role(admin_client):
    person = factories.make_volunteer("郑协调")
    db.session.commit()
    page = admin_client.get("/admin/grants?q=郑协调").get_data(as_text=True)
    assert "郑协调" in page
    response = admin_client.post(
        "/admin/grants",
        data={"user_id": person.user_id, "role": "coordinator", "unit_code": "WS"},
    )
    assert response.status_code == 302
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == person.user_id))
    assert grant.role == Role.COORDINATOR
    admin_client.post(f"/admin/grants/{grant.id}/revoke", data={})
    assert grant.revoked_at is not None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["role.grant", "role.revoke"]


def test_a_grant_names_the_organization_and_unit_exactly(admin_client):
    person = factories.make_volunteer("冯组织")
    team = factories.make_organization("旗文明办志愿服务队", unit("WS"))
    db.session.commit()
    wrong = {"user_id": person.user_id, "role": "organizer", "organization_name": "没有的队"}
    page = admin_client.post("/admin/grants?q=冯组织", data=wrong).get_data(as_text=True)
    assert "没有这个名称的在用志愿服务组织。" in page
    wrong = {"user_id": person.user_id, "role": "coordinator", "unit_code": "NOPE"}
    page = admin_client.post("/admin/grants?q=冯组织", data=wrong).get_data(as_text=True)
    assert "没有代码为 NOPE 的有效单位。" in page
    assert db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == person.user_id)) is None
    right = {"user_id": person.user_id, "role": "organizer", "organization_name": team.name}
    assert admin_client.post("/admin/grants", data=right).status_code == 302
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == person.user_id))
    assert grant.organization_id == team.id


def test_granting_organizer_without_organization_is_explained(admin_client):
    person = factories.make_volunteer("冯组织")
    db.session.commit()
    response = admin_client.post(
        "/admin/grants",
        data={"user_id": person.user_id, "role": "organizer"},
        follow_redirects=True,
    )
    assert "请选择此人负责的志愿服务组织。" in response.get_data(as_text=True)


def test_the_unit_tree_opens_a_level_at_a_time_a_page_at_a_time(admin_client, monkeypatch):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    banner = unit("WS")
    towns = [factories.make_unit(f"WS-{n}", f"{name}镇", banner) for n, name in enumerate("甲乙丙")]
    factories.make_unit("WS-0-1", "甲一村", towns[0])
    db.session.commit()
    top = admin_client.get("/admin/units").get_data(as_text=True)
    assert "乌审旗" in top and "展开（3）" in top and "甲镇" not in top
    first = admin_client.get(f"/admin/units?under={banner.id}").get_data(as_text=True)
    assert "本级共 3 个单位" in first and "第 1 / 2 页" in first and "丙镇" not in first
    assert "展开（1）" in first and "甲一村" not in first
    second = admin_client.get(f"/admin/units?under={banner.id}&page=2").get_data(as_text=True)
    assert "丙镇" in second and "甲镇" not in second
    found = admin_client.get("/admin/units?q=一村").get_data(as_text=True)
    assert "共 1 个单位符合条件" in found and "甲一村" in found and "乙镇" not in found
    response = admin_client.post(
        f"/admin/units?under={towns[1].id}",
        data={"code": "WS-1-1", "name": "乙一村", "kind": "village", "parent_id": towns[1].id},
    )
    assert response.status_code == 302 and f"under={towns[1].id}" in response.location
    assert unit("WS-1-1").parent.code == "WS-1"


def test_active_grants_come_a_page_at_a_time(admin_client, monkeypatch):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for name in ("甲队", "乙队", "丙队"):
        factories.make_organizer(factories.make_organization(name), name=f"{name}组织者")
    db.session.commit()
    pages = [admin_client.get(f"/admin/grants?page={n}").get_data(as_text=True) for n in (1, 2)]
    listed = [page.split('id="active-grants"')[1].split("</tbody>")[0] for page in pages]
    assert "共 4 项有效授权" in pages[0] and "第 1 / 2 页" in pages[0]
    assert [rows.count("<tr>") for rows in listed] == [2, 2]
    shown = "".join(listed)
    assert all(f"{name}组织者" in shown for name in ("甲队", "乙队", "丙队"))
    searched = admin_client.get("/admin/grants?q=甲队").get_data(as_text=True)
    assert "q=%E7%94%B2%E9%98%9F" in searched.split('data-testid="pager-page"')[1]  # kept


def test_revoking_from_a_later_page_of_grants_comes_back_to_that_page(admin_client, monkeypatch):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for name in ("甲队", "乙队", "丙队"):
        factories.make_organizer(factories.make_organization(name), name=f"{name}组织者")
    db.session.commit()
    page = admin_client.get("/admin/grants?page=2").get_data(as_text=True)
    assert 'name="next" value="/admin/grants?page=2"' in page
    unrevoked = select(RoleGrant).where(
        RoleGrant.role == Role.ORGANIZER, RoleGrant.revoked_at.is_(None)
    )
    grant = db.session.scalar(unrevoked)
    back = admin_client.post(
        f"/admin/grants/{grant.id}/revoke", data={"next": "/admin/grants?page=2"}
    )
    assert back.headers["Location"].endswith("/admin/grants?page=2")
    other = db.session.scalar(unrevoked)
    away = admin_client.post(
        f"/admin/grants/{other.id}/revoke", data={"next": "https://evil.example/grants"}
    )
    assert away.headers["Location"].endswith("/admin/grants")  # another site: the list
