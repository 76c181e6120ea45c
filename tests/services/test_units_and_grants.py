"""The unit tree and role grants."""

import pytest
from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import AuditEntry, Role
from volunteer.services import grants, permissions, units
from volunteer.services.errors import DuplicateError, ServiceError


@pytest.fixture
def tree(app):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner)
    village = factories.make_unit("WS-GLT-SRL", "萨如拉嘎查", town)
    department = factories.make_unit("WS-WMB", "旗文明办", banner)
    return banner, town, village, department


def test_paths_follow_the_tree(tree):
    banner, town, village, _department = tree
    assert village.path == f"/{banner.id}/{town.id}/{village.id}/"
    assert village.depth == 2
    assert [u.code for u in units.subtree(town)] == ["WS-GLT", "WS-GLT-SRL"]


def test_unit_codes_are_unique(tree):
    with pytest.raises(DuplicateError):
        units.create_unit("ws-glt", "重复", tree[1].kind, tree[0])


def test_only_the_banner_is_a_root(tree):
    with pytest.raises(ServiceError):
        units.create_unit("X", "孤儿单位", tree[1].kind, None)


def test_moving_a_unit_carries_its_subtree(tree):
    banner, town, village, department = tree
    units.move_unit(town, department)
    db.session.refresh(village)
    assert town.path == f"/{banner.id}/{department.id}/{town.id}/"
    assert village.path == f"/{banner.id}/{department.id}/{town.id}/{village.id}/"
    assert village.depth == 3


def test_a_unit_cannot_move_below_itself(tree):
    _banner, town, village, _department = tree
    with pytest.raises(ServiceError):
        units.move_unit(town, village)


def test_deactivation_needs_sub_units_inactive_and_keeps_the_row(tree):
    _banner, town, village, _department = tree
    with pytest.raises(ServiceError):
        units.set_unit_active(town, False)
    units.set_unit_active(village, False)
    units.set_unit_active(town, False)
    assert not town.active and units.get_unit_by_code("WS-GLT") is town
    with pytest.raises(ServiceError):
        units.set_unit_active(village, True)


def test_coordinators_see_their_subtree_and_nothing_beside_it(tree):
    banner, town, village, department = tree
    coordinator = factories.make_coordinator(town)
    assert permissions.can_coordinate(coordinator, town)
    assert permissions.can_coordinate(coordinator, village)
    assert not permissions.can_coordinate(coordinator, department)
    assert not permissions.can_coordinate(coordinator, banner)
    visible = db.session.scalars(
        select(type(town).code).where(permissions.visible_units_clause(coordinator))
    ).all()
    assert sorted(visible) == ["WS-GLT", "WS-GLT-SRL"]


def test_grant_and_revoke_are_audited(tree):
    admin = factories.make_admin()
    person = factories.make_volunteer("周五").user
    grant = grants.grant_role(person, Role.COORDINATOR, admin, unit=tree[1])
    with pytest.raises(DuplicateError):
        grants.grant_role(person, Role.COORDINATOR, admin, unit=tree[1])
    grants.revoke_role(grant, admin)
    assert not permissions.is_coordinator(person)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor_id == admin.id).order_by(AuditEntry.id)
    ).all()
    assert actions == ["role.grant", "role.revoke"]


def test_an_organizer_grant_needs_an_organization(tree):
    person = factories.make_volunteer().user
    with pytest.raises(ServiceError):
        grants.grant_role(person, Role.ORGANIZER, None)


def test_an_admin_cannot_revoke_their_own_admin_role(app):
    admin = factories.make_admin()
    with pytest.raises(ServiceError):
        grants.revoke_role(admin.grants[0], admin)


def test_people_search_finds_by_name_phone_and_id(app):
    volunteer = factories.make_volunteer("欧阳娜娜")
    assert grants.search_people("欧阳") == [volunteer.user]
    assert grants.search_people(volunteer.user.phone[:7]) == [volunteer.user]
    assert grants.search_people(volunteer.id_number) == [volunteer.user]
    assert grants.search_people("") == []
