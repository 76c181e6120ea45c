"""Personal data follows real participation: a manual entry on an organizer's word alone
credits hours but opens neither the person's full ID number nor their certificates."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import certificate_support as support
from tests import factories
from volunteer.documents.national_xlsx import national_export_xlsx
from volunteer.extensions import db
from volunteer.models import AuditEntry, RecordSource, RecordStatus, SignupStatus, utcnow
from volunteer.printing import batches
from volunteer.services import (
    certificates,
    national_export,
    participation,
    periods,
    records,
    roster_access,
)
from volunteer.services.errors import PermissionDenied, ServiceError


@pytest.fixture
def world(app):
    support.set_issuer()
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    when = support.this_year_moment(days_ago=2)
    return {
        "team": team,
        "activity": factories.make_activity(team, starts_at=when, title="清扫街道"),
        "organizer": factories.make_organizer(team),
        "stranger": factories.make_volunteer("其木格"),
        "admin": factories.make_admin(),
    }


def _manual_record(world, volunteer):
    """The organizer types the person's number and name as if from a paper sheet."""
    found = records.find_volunteer(volunteer.volunteer_number, volunteer.user.name)
    activity = world["activity"]
    return records.add_manual_record(
        activity,
        found,
        activity.starts_at,
        activity.starts_at + timedelta(hours=2),
        "纸质签到表",
        world["organizer"],
        utcnow(),
    )


def _export_row(world, name):
    """The organizer's national export row of the named person."""
    period = periods.this_year()
    organization_ids, _count = national_export.start_export(world["organizer"], period)
    data = national_export_xlsx(
        national_export.national_rows(organization_ids, period, world["organizer"])
    )
    rows = load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)
    return next(row for row in rows if row[0] == name)


def _scoped_certificate(world, volunteer):
    """A certificate limited to the team, as the person (or an admin) may issue one."""
    return certificates.issue_certificate(
        volunteer, periods.this_year(), volunteer.user, world["team"]
    )


def test_an_unconfirmed_manual_entry_opens_neither_the_full_id_nor_the_certificates(world):
    stranger, organizer = world["stranger"], world["organizer"]
    record = _manual_record(world, stranger)
    assert record.status == RecordStatus.APPROVED and record.credited_minutes == 120
    assert participation.awaits_confirmation(record)
    row = _export_row(world, "其木格")
    assert stranger.id_number not in row and stranger.user.phone not in row
    assert row[2] == stranger.id_number[:6] + "********" + stranger.id_number[-4:]
    certificate = _scoped_certificate(world, stranger)
    assert not certificates.can_view_certificate(organizer, certificate)
    assert not certificates.may_issue_for_organization(organizer, stranger, world["team"])
    assert not certificates.is_person_in_scope(organizer, stranger)
    assert certificates.organizations_certifiable_by(organizer, stranger) == []
    assert certificates.visible_certificates(organizer, stranger) == []
    assert certificates.find_people_in_scope(organizer, "其木格") == []


def test_once_the_volunteer_confirms_the_organizer_may_see_them(world):
    stranger, organizer = world["stranger"], world["organizer"]
    record = _manual_record(world, stranger)
    certificate = _scoped_certificate(world, stranger)
    participation.confirm_manual_record(record, stranger.user, utcnow())
    assert not participation.awaits_confirmation(record)
    row = _export_row(world, "其木格")
    assert row[2] == stranger.id_number and row[3] == stranger.user.phone
    assert certificates.can_view_certificate(organizer, certificate)
    assert certificates.is_person_in_scope(organizer, stranger)
    assert certificates.organizations_certifiable_by(organizer, stranger) == [world["team"]]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.confirm"))
    assert entry.actor_id == stranger.user_id and entry.details["by"] == "volunteer"


def test_an_admin_may_approve_a_manual_entry_with_a_reason_and_nobody_else_may(world):
    stranger = world["stranger"]
    record = _manual_record(world, stranger)
    with pytest.raises(PermissionDenied):
        participation.confirm_manual_record(record, world["organizer"], utcnow(), "我确认")
    with pytest.raises(ServiceError, match="原因"):
        participation.confirm_manual_record(record, world["admin"], utcnow(), " ")
    participation.confirm_manual_record(record, world["admin"], utcnow(), "电话核实本人")
    assert record.confirmed_by_id == world["admin"].id
    assert certificates.is_person_in_scope(world["organizer"], stranger)
    with pytest.raises(ServiceError):
        participation.confirm_manual_record(record, stranger.user, utcnow())


@pytest.mark.parametrize(
    "source", [RecordSource.QR, RecordSource.CODE, RecordSource.KIOSK, RecordSource.CLAIM]
)
def test_the_persons_own_records_count_as_taking_part(world, source):
    record = factories.make_record(world["stranger"], world["activity"], 60)
    record.source = source
    assert certificates.is_person_in_scope(world["organizer"], world["stranger"])


def test_a_record_credited_nothing_or_not_approved_is_no_participation(world):
    record = factories.make_record(world["stranger"], world["activity"], 0)
    assert not certificates.is_person_in_scope(world["organizer"], world["stranger"])
    record.credited_minutes, record.status = 60, RecordStatus.REJECTED
    assert not certificates.is_person_in_scope(world["organizer"], world["stranger"])


def test_a_standing_sign_up_counts_as_taking_part_and_a_cancelled_one_does_not(world):
    signup = factories.make_signup(world["stranger"], world["activity"])
    assert certificates.is_person_in_scope(world["organizer"], world["stranger"])
    signup.status = SignupStatus.CANCELLED
    assert not certificates.is_person_in_scope(world["organizer"], world["stranger"])


def test_the_manual_look_up_needs_the_number_or_phone_and_the_name(world):
    stranger = world["stranger"]
    number, phone, name = stranger.volunteer_number, stranger.user.phone, stranger.user.name
    assert records.find_volunteer(number, name) == stranger
    assert records.find_volunteer(phone, f" {name} ") == stranger
    assert records.find_volunteer(number.lower(), name) == stranger
    assert records.find_volunteer(number, "巴图") is None
    assert records.find_volunteer(number, "") is None
    assert records.find_volunteer("V9999999", name) is None
    assert records.find_volunteer("", name) is None


def test_roster_access_is_audited_with_the_listing_units(world):
    town = factories.make_unit("WS-GLT", "嘎鲁图镇")
    village = factories.make_unit("WS-GLT-SRL", "萨如拉嘎查", town)
    coordinator = factories.make_coordinator(town)
    stranger = world["stranger"]
    assert roster_access.units_listing(stranger) == []
    assert not roster_access.note_roster_access(coordinator, stranger, "person", stranger)
    factories.make_roster_entry(village, stranger)
    assert roster_access.units_listing(stranger) == [village]
    assert roster_access.note_roster_access(coordinator, stranger, "person", stranger)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "personal_data.roster_access")
    )
    assert entry.actor_id == coordinator.id
    assert entry.details == {"volunteer_id": stranger.id, "what": "person", "units": ["萨如拉嘎查"]}
    assert not roster_access.note_roster_access(stranger.user, stranger, "person", stranger)
    assert not roster_access.note_roster_access(world["admin"], stranger, "person", stranger)


def test_an_activity_batch_leaves_out_people_who_have_not_confirmed(world):
    stranger = world["stranger"]
    record = _manual_record(world, stranger)
    params = batches.activity_batch_params(world["activity"])
    assert batches.batch_volunteer_ids(params) == []
    participation.confirm_manual_record(record, stranger.user, utcnow())
    assert batches.batch_volunteer_ids(params) == [stranger.id]
