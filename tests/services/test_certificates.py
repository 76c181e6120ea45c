"""Certificates at service level: periods, hours, star level, frozen content, the PDF."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests import certificate_support as support
from tests import factories
from tests.conftest import require
from volunteer.extensions import db
from volunteer.models import RecordStatus, Setting
from volunteer.printing.output import certificate_pdf
from volunteer.services import certificates, periods
from volunteer.services.errors import ServiceError
from volunteer.services.privacy import mask_id_number


@pytest.fixture
def person(app):
    support.set_issuer()
    volunteer = factories.make_volunteer("张三丰")
    team = factories.make_organization("乌审旗文明实践志愿服务队")
    when = support.this_year_moment(days_ago=3)
    activity = factories.make_activity(team, starts_at=when, title="文明交通劝导", hours=4)
    factories.make_record(volunteer, activity, minutes=150)
    return volunteer, team, activity


def test_hours_count_only_approved_records_in_the_period(app, person):
    volunteer, team, activity = person
    other = factories.make_activity(team, starts_at=activity.starts_at + timedelta(hours=5))
    factories.make_record(volunteer, other, minutes=60)
    for status in (RecordStatus.PENDING, RecordStatus.REJECTED, RecordStatus.MISSING_CHECKOUT):
        extra = factories.make_activity(team, starts_at=activity.starts_at - timedelta(hours=9))
        factories.make_record(volunteer, extra, minutes=45, status=status)
    last_year = datetime(activity.starts_at.year - 1, 6, 1, 2, tzinfo=UTC)
    factories.make_record(volunteer, factories.make_activity(team, starts_at=last_year), 300)

    this_year = certificates.issue_certificate(volunteer, periods.this_year(), None)
    assert this_year.total_minutes == 210
    assert this_year.content["record_count"] == 2
    everything = certificates.issue_certificate(volunteer, periods.all_time(), None)
    assert everything.total_minutes == 510
    assert everything.period_start is None
    previous = certificates.issue_certificate(volunteer, periods.whole_year(last_year.year), None)
    assert previous.total_minutes == 300
    assert previous.period_end == date(last_year.year, 12, 31)


def test_periods_use_beijing_days(app, person):
    volunteer, team, _activity = person
    # 2025-03-01 23:30 in Beijing is still 2025-03-01 15:30 UTC: it belongs to March 1st,
    # and a stretch past Beijing midnight gives March 2nd its own part.
    late = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
    factories.make_record(volunteer, factories.make_activity(team, starts_at=late), 40)
    march_first = periods.date_range(date(2025, 3, 1), date(2025, 3, 1))
    assert certificates.issue_certificate(volunteer, march_first, None).total_minutes == 30
    march_second = periods.date_range(date(2025, 3, 2), date(2025, 3, 2))
    assert certificates.issue_certificate(volunteer, march_second, None).total_minutes == 10
    march_third = periods.date_range(date(2025, 3, 3), date(2025, 3, 3))
    with pytest.raises(ServiceError) as refused:
        certificates.issue_certificate(volunteer, march_third, None)
    assert refused.value.code == "no_credited_time"


def test_a_period_cannot_be_backwards_or_in_the_future(app):
    with pytest.raises(ServiceError):
        periods.date_range(date(2025, 3, 2), date(2025, 3, 1))
    with pytest.raises(ServiceError):
        periods.date_range(date(2025, 3, 2), periods.local_today() + timedelta(days=1))


def test_star_level_follows_cumulative_hours_and_configured_thresholds(app, person):
    assert certificates.star_level(99 * 60 + 59) == 0
    assert certificates.star_level(100 * 60) == 1
    assert certificates.star_level(1500 * 60) == 5
    volunteer, _team, _activity = person
    app.config["STAR_LEVEL_THRESHOLD_HOURS"] = (1, 2, 3, 4, 5)
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    assert certificate.star_level == 2  # 2.5 hours
    assert "★★☆☆☆ 二星级志愿者" in support.pdf_text(certificate_pdf(certificate))


def test_the_pdf_holds_name_masked_id_hours_serial_and_records_in_chinese(app, person):
    volunteer, _team, _activity = person
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    data = certificate_pdf(certificate, "https://zyz.wsq.gov.cn")
    reader = support.pdf_reader(data)
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)  # A4
    first_page = reader.pages[0].extract_text()
    assert "志愿服务记录证明" in first_page
    assert "张三丰" in first_page
    assert mask_id_number(volunteer.id_number) in first_page
    assert volunteer.id_number not in support.pdf_text(data)
    assert volunteer.volunteer_number in first_page
    assert "2.5 小时" in first_page
    assert certificate.serial in first_page
    assert "乌审旗志愿服务联合会" in first_page and "高娃" in first_page
    records_page = reader.pages[1].extract_text()
    assert "文明交通劝导" in records_page and "乌审旗文明实践志愿服务队" in records_page


def test_the_qr_code_opens_this_sites_verification_page(app, person):
    volunteer, _team, _activity = person
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    data = certificate_pdf(certificate, "https://zyz.wsq.gov.cn")
    assert support.qr_texts(data) == [f"https://zyz.wsq.gov.cn/verify/{certificate.serial}"]


def test_the_pdf_is_a_pure_function_of_the_frozen_certificate(app, person):
    volunteer, _team, activity = person
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    before = certificate_pdf(certificate, "https://zyz.wsq.gov.cn")
    # Everything printed may change later; the certificate keeps what it said.
    volunteer.user.name = "改名了"
    activity.title = "改过的活动"
    support.set_issuer(organization="另一个单位")
    db.session.flush()
    assert certificate_pdf(certificate, "https://zyz.wsq.gov.cn") == before
    assert certificate.content["name"] == "张三丰"


def test_issuing_again_unchanged_returns_the_same_certificate(app, person):
    volunteer, team, activity = person
    first = certificates.issue_certificate(volunteer, periods.this_year(), None)
    assert certificates.issue_certificate(volunteer, periods.this_year(), None) is first
    factories.make_record(volunteer, factories.make_activity(team, starts_at=activity.ends_at), 30)
    second = certificates.issue_certificate(volunteer, periods.this_year(), None)
    assert second.serial != first.serial
    assert second.total_minutes == 180


def test_serials_are_sequential_per_year(app, person):
    volunteer, _team, _activity = person
    one = certificates.issue_certificate(volunteer, periods.this_year(), None)
    two = certificates.issue_certificate(volunteer, periods.all_time(), None)
    year = periods.local_today().year
    assert one.serial == f"WSZM{year}000001"
    assert two.serial == f"WSZM{year}000002"


def test_revoking_needs_a_reason_and_keeps_the_certificate(app, person):
    volunteer, _team, _activity = person
    admin = factories.make_admin("撤销人")
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    with pytest.raises(ServiceError):
        certificates.revoke_certificate(certificate, "  ", admin)
    certificates.revoke_certificate(certificate, "时长有误", admin)
    assert certificates.find_by_serial(certificate.serial.lower()) is certificate
    assert certificate.revoke_reason == "时长有误"
    with pytest.raises(ServiceError):
        certificates.revoke_certificate(certificate, "again", admin)


def test_reissuing_gives_a_new_serial_with_current_data_and_revokes_the_old(app, person):
    volunteer, team, activity = person
    admin = factories.make_admin("补发人")
    old = certificates.issue_certificate(volunteer, periods.this_year(), None)
    factories.make_record(volunteer, factories.make_activity(team, starts_at=activity.ends_at), 30)
    new = certificates.reissue_certificate(old, "补录了时长", admin)
    assert new.serial != old.serial
    assert new.total_minutes == old.total_minutes + 30
    assert (new.period_start, new.period_end) == (old.period_start, old.period_end)
    assert old.revoked_at is not None and new.serial in old.revoke_reason


def test_certificates_need_the_issuer_details_first(app):
    volunteer = factories.make_volunteer()
    with pytest.raises(ServiceError):
        certificates.issue_certificate(volunteer, periods.this_year(), None)


def test_the_seal_is_validated_and_printed_on_new_certificates_only(app, person):
    volunteer, _team, _activity = person
    admin = factories.make_admin("盖章人")
    without = certificates.issue_certificate(volunteer, periods.all_time(), None)
    for bad in (b"not an image", support.seal_png(fmt="GIF"), support.seal_png(size=16)):
        with pytest.raises(ServiceError):
            certificates.save_seal("seal.png", bad, admin)
    app.config["CERTIFICATE_SEAL_MAX_BYTES"] = 100
    with pytest.raises(ServiceError):
        certificates.save_seal("seal.png", support.seal_png(), admin)
    app.config["CERTIFICATE_SEAL_MAX_BYTES"] = 1024 * 1024
    seal = certificates.save_seal("公章.png", support.seal_png(), admin)
    jpeg = certificates.save_seal("公章.jpg", support.seal_png(fmt="JPEG"), admin)
    assert certificates.current_seal() is jpeg and seal.content_type == "image/png"

    with_seal = certificates.issue_certificate(volunteer, periods.this_year(), None)
    assert with_seal.seal_file_id == jpeg.id
    assert len(support.pdf_reader(certificate_pdf(with_seal)).pages[0].images) == 2
    assert len(support.pdf_reader(certificate_pdf(without)).pages[0].images) == 1
    certificates.remove_seal(admin)
    assert certificates.current_seal() is None
    assert len(support.pdf_reader(certificate_pdf(with_seal)).pages[0].images) == 2


def test_a_configured_truetype_font_is_embedded(app, person):
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    require(Path(font).exists(), "DejaVuSans.ttf is not installed")
    volunteer, _team, _activity = person
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    app.config["CERTIFICATE_FONT_PATH"] = font
    data = certificate_pdf(certificate)
    assert b"/FontFile2" in data
    assert certificate.serial in support.pdf_text(data)
    app.config["CERTIFICATE_FONT_PATH"] = None
    assert b"/FontFile2" not in certificate_pdf(certificate)
    assert b"STSong-Light" in certificate_pdf(certificate)


def test_long_record_lists_continue_on_further_pages(app, person):
    volunteer, team, activity = person
    for day in range(1, 80):
        start = activity.starts_at - timedelta(days=day)
        factories.make_record(volunteer, factories.make_activity(team, starts_at=start), 60)
    certificate = certificates.issue_certificate(volunteer, periods.all_time(), None)
    reader = support.pdf_reader(certificate_pdf(certificate))
    assert certificate.content["record_count"] == 80
    assert len(reader.pages) >= 4  # the certificate, then 80 rows over three pages or more
    assert "合计" in reader.pages[-1].extract_text()
    assert "第 3 页" in reader.pages[2].extract_text()


def test_issuer_details_need_the_person_in_charge_and_the_handling_officer(app):
    admin = factories.make_admin("证书管理员")
    for missing in ("organization", "person_in_charge", "handling_officer"):
        with pytest.raises(ServiceError) as refused:
            support.set_issuer(admin, **{missing: "  "})
        assert refused.value.field == missing
    assert certificates.issuer_settings()["organization"] == ""


def test_nothing_is_issued_while_the_stored_issuer_lacks_the_handling_officer(app):
    admin = factories.make_admin("证书管理员")
    # Details saved before the rule existed: the organization alone.
    db.session.add(Setting(key="certificate.issuer", value={"organization": "乌审旗文明办"}))
    person = factories.make_volunteer("其木格")
    with pytest.raises(ServiceError, match="经办人"):
        certificates.issue_certificate(person, periods.all_time(), actor=admin)
