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
    admin_client.post(f"/admin/units/{village.id}/move", data={"move-parent_id": unit("WS-TK").id})
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
        data={"name": "旗文明办志愿服务队", "unit_id": unit("WS").id, "active": "y"},
    )
    assert response.status_code == 302
    organization = db.session.scalar(select(Organization))
    admin_client.post(
        f"/admin/organizations/{organization.id}",
        data={"name": "旗文明办志愿服务总队", "unit_id": "", "active": "y"},
    )
    assert organization.name == "旗文明办志愿服务总队"


def test_search_grant_and_revoke_a_role(admin_client):
    person = factories.make_volunteer("郑协调")
    db.session.commit()
    page = admin_client.get("/admin/grants?q=郑协调").get_data(as_text=True)
    assert "郑协调" in page
    response = admin_client.post(
        "/admin/grants",
        data={"user_id": person.user_id, "role": "coordinator", "unit_id": unit("WS").id},
    )
    assert response.status_code == 302
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == person.user_id))
    assert grant.role == Role.COORDINATOR
    admin_client.post(f"/admin/grants/{grant.id}/revoke", data={})
    assert grant.revoked_at is not None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["role.grant", "role.revoke"]


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
