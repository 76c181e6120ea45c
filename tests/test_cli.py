"""Flask commands: create-admin and the demo data set."""

from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    Organization,
    RosterEntry,
    ServiceRecord,
    Unit,
    User,
    Volunteer,
)
from volunteer.services import accounts, permissions
from volunteer.services.demo import DEMO_LOGINS, DEMO_PASSWORD


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_admin_makes_an_account_that_is_admin(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--phone",
            "13912345678",
            "--name",
            "管理员",
            "--password",
            "pw-123456",
        ]
    )
    assert result.exit_code == 0, result.output
    user = accounts.authenticate("13912345678", "pw-123456")
    assert permissions.is_admin(user)


def test_create_admin_rejects_a_bad_phone(runner):
    result = runner.invoke(
        args=["create-admin", "--phone", "12345", "--name", "管理员", "--password", "pw-123456"]
    )
    assert result.exit_code != 0
    assert count(User) == 0


def test_demo_loads_once_and_prints_the_logins(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "13800000000" in first.output and DEMO_PASSWORD in first.output
    totals = {
        model: count(model)
        for model in (Unit, User, Volunteer, Organization, Activity, ServiceRecord, RosterEntry)
    }
    assert totals[Volunteer] >= 290
    assert totals[Unit] > 64  # the banner's departments and towns, plus villages
    assert totals[ServiceRecord] > 0 and totals[RosterEntry] > 0
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "already present" in second.output
    assert {model: count(model) for model in totals} == totals


def test_demo_logins_hold_their_roles(runner):
    runner.invoke(args=["demo"])
    users = {login.role: accounts.authenticate(login.phone, DEMO_PASSWORD) for login in DEMO_LOGINS}
    assert permissions.is_admin(users["admin"])
    assert [u.code for u in permissions.coordinated_units(users["coordinator"])] == ["WS-WMB"]
    assert permissions.organizer_organization_ids(users["organizer"])
    volunteer = users["volunteer"]
    assert volunteer.volunteer is not None and not permissions.is_organizer(volunteer)


def test_demo_if_empty_leaves_a_real_database_alone(runner):
    runner.invoke(
        args=[
            "create-admin",
            "--phone",
            "13912345678",
            "--name",
            "真管理员",
            "--password",
            "pw-123456",
        ]
    )
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded" in result.output
    assert count(Volunteer) == 0
