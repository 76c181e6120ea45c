"""Through the client: the two-identifier look-up, the volunteer's "确认", roster access in
the audit log, the units that list a person on their profile."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import certificate_support as support
from tests import factories
from volunteer.extensions import db
from volunteer.models import AuditEntry, ServiceRecord, utcnow
from volunteer.services import certificates, periods
from volunteer.services.periods import aware_to_beijing_naive

NO_MATCH = "没有与该编号或手机号及姓名同时相符的志愿者"


@pytest.fixture
def world(app):
    support.set_issuer()
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    starts = utcnow().replace(second=0, microsecond=0) - timedelta(hours=5)
    data = {
        "team": team,
        "activity": factories.make_activity(team, starts_at=starts),
        "organizer": factories.make_organizer(team),
        "stranger": factories.make_volunteer("其木格"),
        "admin": factories.make_admin(),
    }
    db.session.commit()
    return data


def _local(moment):
    return aware_to_beijing_naive(moment).strftime("%Y-%m-%dT%H:%M")


def _add_manual(client, world, volunteer_field, name):
    activity = world["activity"]
    return client.post(
        f"/records/activities/{activity.id}",
        data={
            "volunteer": volunteer_field,
            "name": name,
            "check_in": _local(activity.starts_at),
            "check_out": _local(activity.starts_at + timedelta(hours=1)),
            "reason": "纸质签到表",
        },
    )


def _record_count() -> int:
    return db.session.scalar(select(func.count(ServiceRecord.id)))


def test_the_look_up_needs_both_identifiers_and_does_not_say_which_failed(client, login_as, world):
    stranger = world["stranger"]
    login_as(world["organizer"])
    wrong_name = _add_manual(client, world, stranger.volunteer_number, "巴图")
    wrong_number = _add_manual(client, world, "V0000000", stranger.user.name)
    assert NO_MATCH in wrong_name.get_data(as_text=True)
    assert NO_MATCH in wrong_number.get_data(as_text=True)
    assert _record_count() == 0
    assert _add_manual(client, world, stranger.user.phone, stranger.user.name).status_code == 302
    assert _record_count() == 1


def test_an_organizers_manual_entry_opens_nothing_until_the_volunteer_confirms(
    client, login_as, world
):
    stranger = world["stranger"]
    login_as(world["organizer"])
    _add_manual(client, world, stranger.volunteer_number, stranger.user.name)
    record = db.session.scalar(select(ServiceRecord))
    # The record's own year: in Beijing's first hours of January it is last year's.
    year = periods.year_period(periods.local_date(record.check_in_at).year)
    certificate = certificates.issue_certificate(stranger, year, stranger.user, world["team"])
    db.session.commit()
    assert client.get(f"/certificates/{certificate.id}").status_code == 403
    assert client.get(f"/certificates/people/{stranger.id}").status_code == 403
    assert client.post(f"/records/{record.id}/confirm").status_code == 403  # not theirs to say

    client.post("/auth/logout")
    login_as(stranger.user)
    page = client.get("/records/mine").get_data(as_text=True)
    assert "未经本人确认" in page and f"/records/{record.id}/confirm" in page
    assert client.get(f"/records/{record.id}/confirm").status_code == 405
    assert client.post(f"/records/{record.id}/confirm").status_code == 302
    assert "未经本人确认" not in client.get("/records/mine").get_data(as_text=True)

    client.post("/auth/logout")
    login_as(world["organizer"])
    assert client.get(f"/certificates/{certificate.id}").status_code == 200
    assert client.get(f"/certificates/people/{stranger.id}").status_code == 200


def test_an_admin_approves_a_manual_entry_on_its_page_with_a_reason(client, login_as, world):
    login_as(world["organizer"])
    stranger = world["stranger"]
    _add_manual(client, world, stranger.volunteer_number, stranger.user.name)
    record = db.session.scalar(select(ServiceRecord))
    client.post("/auth/logout")
    login_as(world["admin"])
    assert "确认此记录" in client.get(f"/records/{record.id}").get_data(as_text=True)
    client.post(f"/records/{record.id}/confirm", data={"reason": ""})
    db.session.refresh(record)
    assert record.confirmed_at is None
    client.post(f"/records/{record.id}/confirm", data={"reason": "电话核实本人"})
    db.session.refresh(record)
    assert record.confirmed_by_id == world["admin"].id


def test_a_coordinators_roster_access_is_audited_and_shown_to_the_person(client, login_as, world):
    town = factories.make_unit("WS-GLT", "嘎鲁图镇")
    coordinator = factories.make_coordinator(town)
    stranger = world["stranger"]
    factories.make_roster_entry(town, stranger)
    elsewhere = factories.make_activity(
        factories.make_organization(), starts_at=support.this_year_moment(days_ago=2)
    )
    factories.make_record(stranger, elsewhere, minutes=60)  # a certificate needs credited time
    certificate = certificates.issue_certificate(stranger, periods.this_year(), stranger.user)
    login_as(stranger.user)
    assert "嘎鲁图镇" in client.get("/me/").get_data(as_text=True)
    client.get(f"/certificates/{certificate.id}/pdf")  # one's own: nothing to note
    client.post("/auth/logout")
    login_as(coordinator)
    assert client.get(f"/certificates/{certificate.id}").status_code == 200
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 200
    assert client.get(f"/certificates/people/{stranger.id}").status_code == 200
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "personal_data.roster_access")
        .order_by(AuditEntry.id)
    ).all()
    assert [e.details["what"] for e in entries] == ["certificate", "certificate_pdf", "person"]
    assert {e.actor_id for e in entries} == {coordinator.id}
    assert entries[0].details["units"] == ["嘎鲁图镇"]


def test_the_profile_says_when_no_roster_lists_the_person(client, login_as, world):
    login_as(world["stranger"].user)
    assert "没有单位的名册列有您" in client.get("/me/").get_data(as_text=True)
