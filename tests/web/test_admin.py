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
