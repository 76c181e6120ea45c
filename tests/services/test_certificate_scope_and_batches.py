"""Who may issue and see whose certificates; batches; the national-system export."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import certificate_support as support
from tests import factories
from volunteer.documents.national_xlsx import HEADERS, national_export_xlsx
from volunteer.extensions import db
from volunteer.models import AuditEntry, IdType
from volunteer.printing import batches
from volunteer.services import certificates, national_export, periods
from volunteer.services.errors import PermissionDenied, ServiceError


@pytest.fixture
def world(app):
    support.set_issuer()
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner)
    village = factories.make_unit("WS-GLT-SRL", "萨如拉嘎查", town)
    sibling = factories.make_unit("WS-TK", "图克镇", banner)
    team = factories.make_organization("嘎鲁图镇志愿服务队", town)
    other_team = factories.make_organization("图克镇志愿服务队", sibling)
    when = support.this_year_moment(days_ago=2)
    activity = factories.make_activity(team, starts_at=when, title="清扫街道")
    elsewhere = factories.make_activity(other_team, starts_at=when - timedelta(hours=6))
    people = {
        "town_staff": factories.make_volunteer("其木格"),
        "village_staff": factories.make_volunteer("巴图"),
        "idle_staff": factories.make_volunteer("没服务"),
        "outsider": factories.make_volunteer("外来人"),
    }
    factories.make_roster_entry(town, people["town_staff"])
    factories.make_roster_entry(village, people["village_staff"])
    factories.make_roster_entry(town, people["idle_staff"])
    factories.make_roster_entry(sibling, people["outsider"])
    factories.make_record(people["town_staff"], activity, 120)
    factories.make_record(people["town_staff"], elsewhere, 90)
    factories.make_record(people["village_staff"], activity, 60)
    factories.make_record(people["outsider"], elsewhere, 30)
    return {
        "units": {"banner": banner, "town": town, "village": village, "sibling": sibling},
        "teams": (team, other_team),
        "activity": activity,
        "people": people,
        "coordinator": factories.make_coordinator(town),
        "organizer": factories.make_organizer(team),
        "admin": factories.make_admin(),
    }


def test_coordinators_reach_people_on_their_units_rosters_only(app, world):
    coordinator, people = world["coordinator"], world["people"]
    assert certificates.may_issue_full(coordinator, people["town_staff"])
    assert certificates.may_issue_full(coordinator, people["village_staff"])  # a sub-unit
    assert not certificates.may_issue_full(coordinator, people["outsider"])  # a sibling unit
    entry = db.session.scalar(
        select(factories.RosterEntry).where(
            factories.RosterEntry.id_number == people["village_staff"].id_number
        )
    )
    entry.on_until = periods.local_today()  # left the unit today
    assert not certificates.may_issue_full(coordinator, people["village_staff"])


def test_organizers_certify_only_their_organizations_service(app, world):
    organizer, people, (team, other_team) = world["organizer"], world["people"], world["teams"]
    person = people["town_staff"]
    assert not certificates.may_issue_full(organizer, person)
    assert certificates.may_issue_for_organization(organizer, person, team)
    assert not certificates.may_issue_for_organization(organizer, person, other_team)
    assert not certificates.may_issue_for_organization(organizer, people["outsider"], team)

    scoped = certificates.issue_certificate(person, periods.this_year(), organizer, team)
    assert scoped.total_minutes == 120  # the 90 minutes elsewhere are not theirs to certify
    assert {row[2] for row in scoped.content["records"]} == {"嘎鲁图镇志愿服务队"}
    full = certificates.issue_certificate(person, periods.this_year(), None)
    assert full.total_minutes == 210
    assert certificates.can_view_certificate(organizer, scoped)
    assert not certificates.can_view_certificate(organizer, full)
    assert certificates.visible_certificates(organizer, person) == [scoped]
    assert set(certificates.visible_certificates(person.user, person)) == {scoped, full}
    assert certificates.organizations_certifiable_by(organizer, person) == [team]
    assert certificates.organizations_certifiable_by(organizer, people["outsider"]) == []


def test_who_may_see_a_certificate(app, world):
    people = world["people"]
    certificate = certificates.issue_certificate(people["town_staff"], periods.this_year(), None)
    assert certificates.can_view_certificate(people["town_staff"].user, certificate)
    assert not certificates.can_view_certificate(people["outsider"].user, certificate)
    assert certificates.can_view_certificate(world["admin"], certificate)
    assert certificates.can_view_certificate(world["coordinator"], certificate)
    outsider_certificate = certificates.issue_certificate(
        people["outsider"], periods.this_year(), None
    )
    assert not certificates.can_view_certificate(world["coordinator"], outsider_certificate)


def test_people_in_scope_clause_matches_the_rules(app, world):
    def names(user):
        rows = db.session.scalars(
            select(factories.Volunteer).where(certificates.people_in_scope_clause(user))
        )
        return {v.user.name for v in rows}

    assert names(world["coordinator"]) >= {"其木格", "巴图", "没服务"}
    assert "外来人" not in names(world["coordinator"])
    assert names(world["organizer"]) == {"其木格", "巴图", "赵组织"}  # and themselves
    assert "外来人" in names(world["admin"])


def test_a_unit_batch_prints_one_certificate_per_person_with_hours(app, world, tmp_path):
    db.session.commit()
    staff_id = world["people"]["town_staff"].id
    params = batches.unit_batch_params(world["units"]["town"], True, periods.this_year())
    own_only = batches.unit_batch_params(world["units"]["town"], False, periods.this_year())
    seen = []
    output = tmp_path / "town.pdf"
    count = batches.produce_batch(
        params, None, output, "https://zyz.example", lambda d, t: seen.append((d, t))
    )
    assert count == 2  # 其木格 and 巴图; 没服务 has no hours, 外来人 is in another town
    reader = support.pdf_reader(output.read_bytes())
    assert len(reader.pages) == 4  # two pages each: certificate and record list
    first_pages = reader.pages[0].extract_text() + reader.pages[2].extract_text()
    assert "其木格" in first_pages and "巴图" in first_pages
    # The batch forgets its objects as it goes (constant memory): load again by id.
    staff = db.session.get(factories.Volunteer, staff_id)
    (serial,) = [c.serial for c in certificates.certificates_of(staff)]
    assert serial in first_pages
    qr_codes = support.qr_texts(output.read_bytes(), 0) + support.qr_texts(output.read_bytes(), 2)
    assert f"https://zyz.example/verify/{serial}" in qr_codes
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)

    assert batches.produce_batch(own_only, None, tmp_path / "own.pdf", "https://x") == 1


def test_a_batch_in_small_chunks_gives_the_same_people(app, world, tmp_path):
    db.session.commit()
    app.config["CERTIFICATE_BATCH_CHUNK"] = 1
    params = batches.unit_batch_params(world["units"]["banner"], True, periods.this_year())
    assert batches.produce_batch(params, None, tmp_path / "all.pdf", "https://x") == 3
    assert len(support.pdf_reader((tmp_path / "all.pdf").read_bytes()).pages) == 6


def test_an_activity_batch_covers_the_organizations_service_on_its_days(app, world, tmp_path):
    db.session.commit()
    staff_id = world["people"]["town_staff"].id
    params = batches.activity_batch_params(world["activity"])
    assert batches.produce_batch(params, world["organizer"].id, tmp_path / "a.pdf", "x") == 2
    staff = db.session.get(factories.Volunteer, staff_id)
    issued = certificates.certificates_of(staff)[0]
    assert issued.total_minutes == 120
    assert issued.content["scope"]["organization_name"] == "嘎鲁图镇志愿服务队"


def test_the_national_export_has_one_row_per_record_with_full_ids(app, world):
    organizer, team = world["organizer"], world["teams"][0]
    period = periods.this_year()
    ids, count = national_export.start_export(organizer, period, team)
    assert count == 2
    data = national_export_xlsx(national_export.national_rows(ids, period, organizer))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert tuple(rows[0]) == HEADERS
    assert len(rows) == 3
    by_name = {row[0]: row for row in rows[1:]}
    staff = world["people"]["town_staff"]
    row = by_name["其木格"]
    assert row[1] == "居民身份证" and row[2] == staff.id_number and row[3] == staff.user.phone
    assert row[4] == "清扫街道" and row[8] == 2.0 and row[9] == "嘎鲁图镇志愿服务队"
    assert sheet.cell(row=2, column=3).number_format == "@"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "records.national_export")
    )
    assert entry.actor_id == organizer.id and entry.details["rows"] == 2


def test_only_organizers_of_the_organization_and_admins_export(app, world):
    period = periods.this_year()
    with pytest.raises(PermissionDenied):
        national_export.start_export(world["organizer"], period, world["teams"][1])
    with pytest.raises(PermissionDenied):
        national_export.start_export(world["coordinator"], period)
    ids, count = national_export.start_export(world["admin"], period)
    assert ids is None and count == 4
    assert IdType.RESIDENT_ID  # the admin's export covers every organization
    with pytest.raises(ServiceError):
        national_export.start_export(world["admin"], periods.whole_year(2001))
