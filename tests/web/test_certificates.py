"""Certificate pages through the client: downloads, access, verification, settings, batches."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from tests import certificate_support as support
from tests import factories
from volunteer.extensions import db
from volunteer.models import AuditEntry, BackgroundJob, Certificate, JobStatus, Setting
from volunteer.services import certificates, periods


@pytest.fixture
def sign_in(client, login_as):
    """Sign in as `user`, signing out whoever was signed in before."""

    def _sign_in(user):
        client.post("/auth/logout")
        return login_as(user)

    return _sign_in


@pytest.fixture
def world(app):
    admin = factories.make_admin("证书管理员")
    support.set_issuer(admin)
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner)
    sibling = factories.make_unit("WS-TK", "图克镇", banner)
    team = factories.make_organization("嘎鲁图镇志愿服务队", town)
    activity = factories.make_activity(
        team, starts_at=support.this_year_moment(days_ago=2), title="清扫街道"
    )
    alice = factories.make_volunteer("其木格")
    bob = factories.make_volunteer("巴图")
    factories.make_roster_entry(town, alice)
    factories.make_roster_entry(sibling, bob)
    factories.make_record(alice, activity, 150)
    factories.make_record(bob, activity, 60)
    world = {
        "admin": admin,
        "alice": alice,
        "bob": bob,
        "town": town,
        "team": team,
        "activity": activity,
        "coordinator": factories.make_coordinator(town),
        "organizer": factories.make_organizer(team),
    }
    db.session.commit()
    return world


def _issue_own(client, sign_in, volunteer, **data):
    sign_in(volunteer.user)
    response = client.post("/certificates/", data={"period": "year", **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.volunteer_id == volunteer.id)
        .order_by(Certificate.id.desc())
    )


def test_a_volunteer_issues_and_downloads_their_own_certificate(client, sign_in, world):
    certificate = _issue_own(client, sign_in, world["alice"])
    assert certificate.total_minutes == 150
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert certificate.serial in page and "2.5" in page
    response = client.get(f"/certificates/{certificate.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "其木格" in support.pdf_text(response.data)
    # The QR code points at this very site.
    assert support.qr_texts(response.data) == [f"http://localhost/verify/{certificate.serial}"]
    assert certificate.serial in client.get("/certificates/").get_data(as_text=True)


def test_the_public_base_url_setting_goes_into_the_qr_code(app, client, sign_in, world):
    app.config["PUBLIC_BASE_URL"] = "https://zyz.wsq.gov.cn/"
    certificate = _issue_own(client, sign_in, world["alice"])
    data = client.get(f"/certificates/{certificate.id}/pdf").data
    assert support.qr_texts(data) == [f"https://zyz.wsq.gov.cn/verify/{certificate.serial}"]


def test_a_chosen_range_and_bad_ranges(client, sign_in, world):
    sign_in(world["alice"].user)
    response = client.post(
        "/certificates/", data={"period": "range", "start": "2025-01-02", "end": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)
    response = client.post("/certificates/", data={"period": "range", "start": "", "end": ""})
    assert "请填写开始和结束日期" in response.get_data(as_text=True)
    assert db.session.scalar(select(Certificate.id)) is None
    today = periods.local_today()
    response = client.post(
        "/certificates/",
        data={"period": "range", "start": f"{today.year}-01-01", "end": today.isoformat()},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Certificate.total_minutes)) == 150


def test_a_volunteer_cannot_download_someone_elses_certificate(client, sign_in, world):
    certificate = certificates.issue_certificate(world["bob"], periods.this_year(), None)
    db.session.commit()
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 302  # sign in first
    sign_in(world["alice"].user)
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 403
    assert client.get(f"/certificates/{certificate.id}").status_code == 403
    assert client.get(f"/certificates/people/{world['bob'].id}").status_code == 403
    assert client.get("/certificates/999999/pdf").status_code == 404


def test_verification_shows_valid_then_revoked(client, sign_in, world):
    certificate = certificates.issue_certificate(world["alice"], periods.this_year(), None)
    db.session.commit()
    page = client.get(f"/verify/{certificate.serial}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "有效" in text and "其*" in text and "2.5" in text and "乌审旗志愿服务联合会" in text
    assert "其木格" not in text and world["alice"].volunteer_number not in text
    assert world["alice"].id_number[-4:] not in text

    sign_in(world["admin"])
    response = client.post(
        f"/certificates/{certificate.id}/revoke", data={"revoke-reason": "重复出具"}
    )
    assert response.status_code == 302
    text = client.get(f"/verify/{certificate.serial}").get_data(as_text=True)
    assert "已撤销" in text
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "certificate.revoke")
        ).details["reason"]
        == "重复出具"
    )


def test_unknown_serials_are_404_and_the_form_finds_typed_serials(client, world):
    response = client.get("/verify/WSZM2026999999")
    assert response.status_code == 404
    assert "WSZM2026999999" in response.get_data(as_text=True)
    certificate = certificates.issue_certificate(world["alice"], periods.this_year(), None)
    db.session.commit()
    response = client.get("/verify/", query_string={"serial": f" {certificate.serial.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.serial}")
    assert client.get("/verify/").status_code == 200


def test_admins_reissue_with_a_new_serial(client, sign_in, world):
    certificate = certificates.issue_certificate(world["alice"], periods.this_year(), None)
    db.session.commit()
    sign_in(world["alice"].user)
    assert (
        client.post(
            f"/certificates/{certificate.id}/reissue", data={"reissue-reason": "x"}
        ).status_code
        == 403
    )
    sign_in(world["admin"])
    response = client.post(
        f"/certificates/{certificate.id}/reissue", data={"reissue-reason": "信息更正"}
    )
    assert response.status_code == 302
    rows = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert len(rows) == 2 and rows[0].revoked_at is not None and rows[1].revoked_at is None
    assert rows[1].serial != rows[0].serial
    assert "已撤销" in client.get(f"/verify/{rows[0].serial}").get_data(as_text=True)


def test_coordinators_issue_for_people_on_their_rosters(client, sign_in, world):
    sign_in(world["coordinator"])
    found = client.get("/certificates/people?q=其木格").get_data(as_text=True)
    assert f"/certificates/people/{world['alice'].id}" in found
    not_found = client.get("/certificates/people?q=巴图").get_data(as_text=True)
    assert f"/certificates/people/{world['bob'].id}" not in not_found
    assert "没有匹配" in not_found
    assert client.get(f"/certificates/people/{world['bob'].id}").status_code == 403
    response = client.post(
        f"/certificates/people/{world['alice'].id}", data={"period": "all", "scope": "all"}
    )
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert certificate.total_minutes == 150 and certificate.issued_by_id == world["coordinator"].id
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 200


def test_organizers_issue_certificates_limited_to_their_organization(client, sign_in, world):
    full = certificates.issue_certificate(world["alice"], periods.this_year(), None)
    db.session.commit()
    sign_in(world["organizer"])
    page = client.get(f"/certificates/people/{world['alice'].id}").get_data(as_text=True)
    assert "嘎鲁图镇志愿服务队" in page
    assert world["alice"].id_number[-4:] not in page  # no ID number, even masked, for organizers
    # No "all organizations" choice for an organizer, and no sneaking one in.
    assert (
        client.post(
            f"/certificates/people/{world['alice'].id}", data={"period": "year", "scope": "all"}
        ).status_code
        == 403
    )
    response = client.post(
        f"/certificates/people/{world['alice'].id}",
        data={"period": "year", "scope": str(world["team"].id)},
    )
    assert response.status_code == 302
    scoped = db.session.scalar(select(Certificate).order_by(Certificate.id.desc()))
    assert scoped.content["scope"]["organization_id"] == world["team"].id
    assert client.get(f"/certificates/{scoped.id}/pdf").status_code == 200
    assert client.get(f"/certificates/{full.id}/pdf").status_code == 403


def test_the_admin_settings_page_saves_issuer_details_and_the_seal(client, sign_in, world):
    sign_in(world["alice"].user)
    assert client.get("/certificates/settings").status_code == 403
    sign_in(world["admin"])
    page = client.get("/certificates/settings").get_data(as_text=True)
    assert "乌审旗志愿服务联合会" in page
    form = {
        "organization": "乌审旗文明办",
        "person_in_charge": "张主任",
        "handling_officer": "李干事",
        "contact": "0477-7500000",
        "remarks": "",
    }
    response = client.post(
        "/certificates/settings",
        data={**form, "seal": (io.BytesIO(b"GIF89a not really"), "seal.gif")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "PNG" in response.get_data(as_text=True)
    assert certificates.issuer_settings()["organization"] == "乌审旗志愿服务联合会"
    response = client.post(
        "/certificates/settings",
        data={**form, "seal": (io.BytesIO(support.seal_png()), "公章.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert certificates.issuer_settings()["handling_officer"] == "李干事"
    seal = certificates.current_seal()
    assert seal is not None
    assert client.get(f"/certificates/settings/seal/{seal.id}").data == support.seal_png()


def test_a_coordinator_prints_a_unit_batch_in_the_background(client, sign_in, world):
    sign_in(world["coordinator"])
    page = client.get("/certificates/batch").get_data(as_text=True)
    assert 'value="WS-GLT"' in page and "图克镇" not in page
    response = client.post(
        "/certificates/batch/unit",
        data={
            "unit-unit_code": world["town"].code,
            "unit-include_subunits": "y",
            "unit-period": "year",
            "unit-submit": "y",
        },
    )
    assert response.status_code == 302
    job_url = response.headers["Location"]
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done" and (status["done"], status["total"]) == (1, 1)
    assert "1" in client.get(job_url).get_data(as_text=True)
    pdf = client.get(status["download"])
    assert pdf.status_code == 200
    assert len(support.pdf_reader(pdf.data).pages) == 2
    assert "其木格" in support.pdf_text(pdf.data)
    # Another coordinator's batch is not theirs to see, nor a sibling unit's roster.
    sign_in(world["organizer"])
    assert client.get(job_url).status_code == 403


def test_a_coordinator_cannot_batch_a_unit_outside_their_subtree(client, sign_in, world):
    sibling = db.session.scalar(select(factories.Unit).where(factories.Unit.code == "WS-TK"))
    sign_in(world["coordinator"])
    response = client.post(
        "/certificates/batch/unit",
        data={"unit-unit_code": sibling.code, "unit-period": "year", "unit-submit": "y"},
    )
    assert response.status_code == 403
    wrong = {"unit-unit_code": "NOPE", "unit-period": "year", "unit-submit": "y"}
    response = client.post("/certificates/batch/unit", data=wrong)
    assert "没有代码为 NOPE 的有效单位。" in response.get_data(as_text=True)
    assert db.session.scalar(select(BackgroundJob.id)) is None


def test_an_organizer_prints_an_activity_batch(client, sign_in, world):
    sign_in(world["organizer"])
    response = client.post(
        "/certificates/batch/activity",
        data={"activity-activity_id": str(world["activity"].id), "activity-submit": "y"},
    )
    assert response.status_code == 302
    job = db.session.scalar(select(BackgroundJob))
    assert job.status == JobStatus.DONE and job.done == 2
    assert (
        len(support.pdf_reader(client.get(response.headers["Location"] + "/download").data).pages)
        == 4
    )


def test_the_national_export_downloads_xlsx_and_is_audited(client, sign_in, world):
    sign_in(world["alice"].user)
    assert client.get("/national-export/").status_code == 403
    sign_in(world["coordinator"])
    assert client.get("/national-export/").status_code == 403
    sign_in(world["organizer"])
    response = client.post(
        "/national-export/", data={"organization_id": str(world["team"].id), "period": "year"}
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "证件类型", "证件号码")
    assert {row[2] for row in rows[1:]} == {world["alice"].id_number, world["bob"].id_number}
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "records.national_export")
    )
    assert entry is not None and entry.actor_id == world["organizer"].id
    assert entry.details["rows"] == 2


def test_an_empty_export_says_so(client, sign_in, world):
    sign_in(world["admin"])
    response = client.post(
        "/national-export/", data={"organization_id": "", "period": "past_year", "year": "2001"}
    )
    assert response.status_code == 200
    assert "text/html" in response.content_type
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "records.national_export"))
        is None
    )


def test_certificate_pages_are_in_the_navigation(client, sign_in, world):
    sign_in(world["alice"].user)
    assert "/certificates/" in client.get("/").get_data(as_text=True)
    sign_in(world["admin"])
    page = client.get("/").get_data(as_text=True)
    for url in (
        "/certificates/settings",
        "/certificates/all",
        "/certificates/batch",
        "/national-export/",
    ):
        assert url in page, url
    assert client.get("/certificates/all").status_code == 200


def test_batches_refuse_other_organizations_and_wait_for_issuer_details(client, sign_in, world):
    other = factories.make_activity(factories.make_organization("别的队"), title="别的活动")
    db.session.commit()
    sign_in(world["organizer"])
    page = client.get("/certificates/batch").get_data(as_text=True)
    assert "清扫街道" in page and "别的活动" not in page
    response = client.post(
        "/certificates/batch/activity",
        data={"activity-activity_id": str(other.id), "activity-submit": "y"},
    )
    assert response.status_code == 403
    assert client.post("/certificates/batch/unit", data={}).status_code == 403

    db.session.execute(delete(Setting).where(Setting.key == certificates.ISSUER_SETTING_KEY))
    db.session.commit()
    response = client.post(
        "/certificates/batch/activity",
        data={"activity-activity_id": str(world["activity"].id), "activity-submit": "y"},
        follow_redirects=True,
    )
    assert "需先由管理员填写出具单位、负责人和经办人" in response.get_data(as_text=True)
    assert db.session.scalar(select(BackgroundJob.id)) is None
