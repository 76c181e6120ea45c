"""Shown figures are floored to the shown precision on pages, exports and PDFs (DOMAIN.md
"No minute twice"): a rate just under a target never reads as the target, and hours just
under a star threshold never read as the threshold."""

import secrets
from datetime import UTC, datetime

from tests import certificate_support as support
from tests import factories as f
from tests.job_support import job_file
from volunteer.extensions import db
from volunteer.models import (
    ComplianceSettings,
    IdType,
    PoliticalStatus,
    RosterEntry,
    UnitKind,
    User,
    Volunteer,
)
from volunteer.printing.output import certificate_pdf
from volunteer.services import certificates, periods

YEAR = 2025


def _roster_of_registered_people(unit, count: int) -> list[Volunteer]:
    """`count` registered volunteers on `unit`'s roster, added in one flush (no records yet)."""
    people = []
    for number in range(count):
        id_number = f.resident_id()
        user = User(phone=f"136{number:08d}", name=f"职工{number}", password_hash="x")
        people.append(
            Volunteer(
                user=user,
                id_type=IdType.RESIDENT_ID,
                id_number=id_number,
                volunteer_number=f"T{number:09d}",
                personal_code=secrets.token_urlsafe(24),
            )
        )
        db.session.add(
            RosterEntry(
                unit=unit,
                name=user.name,
                id_type=IdType.RESIDENT_ID,
                id_number=id_number,
                political_status=PoliticalStatus.MASSES,
                on_from=f.ROSTER_SINCE,
            )
        )
    db.session.add_all(people)
    db.session.flush()
    return people


def test_a_staff_rate_of_69_995_percent_reads_69_9_on_the_page_and_0_6999_in_the_csv(
    client, login_as, app
):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    db.session.add(ComplianceSettings(year=YEAR))
    activity = f.make_activity(
        f.make_organization(), starts_at=datetime(YEAR, 5, 4, 1, tzinfo=UTC), hours=4
    )
    people = _roster_of_registered_people(town, 2003)
    for person in people[:1402]:  # 1402 / 2003 = 69.995%, below the 70% target
        f.make_record(person, activity, 60)
    login_as(f.make_coordinator(town))
    page = client.get(f"/compliance/units/{town.id}", query_string={"year": YEAR})
    text = page.get_data(as_text=True)
    assert "69.9%" in text and "70.0%" in text  # the rate, and the target beside it
    assert 'data-status="below"' in text and 'data-status="meets"' not in text
    assert "70.0%</td>" not in text  # no unit's rate cell reads as the target
    exported = client.get(f"/compliance/units/{town.id}/export.csv", query_string={"year": YEAR})
    csv_text = job_file(client, exported).data.decode("utf-8-sig")
    assert "WS-GLT,嘎鲁图镇,2003,2003,1402,0.6999,0,0,0,,no" in csv_text.splitlines()


def test_5999_minutes_read_99_9_hours_beside_no_star_on_the_certificate_page_and_pdf(
    client, login_as, app
):
    support.set_issuer()
    person = f.make_volunteer("其木格")
    team = f.make_organization()
    start = datetime(YEAR, 3, 2, 0, tzinfo=UTC)
    for day in range(9):  # 9 activities of 11 h: 5,940 min, then 59 more
        activity = f.make_activity(team, starts_at=start.replace(day=2 + day), hours=11)
        f.make_record(person, activity, 660)
    last = f.make_activity(team, starts_at=start.replace(day=20), hours=1)
    f.make_record(person, last, 59)
    issued = certificates.issue_certificate(person, periods.all_time(), actor=None)
    assert issued.total_minutes == 5999 and issued.star_level == 0
    login_as(person.user)
    page = client.get(f"/certificates/{issued.id}").get_data(as_text=True)
    assert 'data-testid="certificate-hours">99.9<' in page
    assert "100.0" not in page
    assert "☆☆☆☆☆" in page and "★" not in page
    text = support.pdf_text(certificate_pdf(issued, "https://example.org"))
    assert "99.9" in text and "100.0" not in text
