"""Compliance pages, roster uploads and exports through the client; the CLI report."""

import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import factories as f
from tests.job_support import JOB_URL, job_file
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import (
    AuditEntry,
    ComplianceSettings,
    PoliticalStatus,
    RosterEntry,
    UnitKind,
)
from volunteer.services import compliance

YEAR = 2025
CSV_HEADER = (
    "unit_code,unit_name,staff,staff_registered,staff_completed,staff_rate,"
    "party,party_registered,party_completed,party_rate,meets_targets"
)


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    sibling = f.make_unit("WS-TK", "图克镇", banner, UnitKind.TOWN)
    village = f.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    activity = f.make_activity(
        f.make_organization(), starts_at=datetime(YEAR, 5, 4, 1, tzinfo=UTC), hours=4
    )
    done = f.make_volunteer("完成者", political_status=PoliticalStatus.CPC_MEMBER)
    f.make_roster_entry(town, done)
    f.make_record(done, activity, 120)
    f.make_roster_entry(town, f.make_volunteer("无时长"))
    f.make_roster_entry(town, name="未注册人", id_number=f.resident_id())
    f.make_roster_entry(sibling, name="图克职工")
    people = {
        "admin": f.make_admin(),
        "coordinator": f.make_coordinator(town),
        "sibling_coordinator": f.make_coordinator(sibling, "孙协调"),
    }
    db.session.commit()
    return {"banner": banner, "town": town, "sibling": sibling, "village": village, **people}


def test_a_coordinator_of_a_sibling_unit_gets_403_everywhere(client, login_as, world):
    login_as(world["sibling_coordinator"])
    town = world["town"].id
    for url in [
        f"/compliance/units/{town}",
        f"/compliance/units/{town}/missing",
        f"/compliance/units/{town}/missing.xlsx",
        f"/compliance/units/{town}/export.csv",
        f"/compliance/units/{town}/export.xlsx",
        f"/compliance/units/{town}/roster",
        f"/compliance/units/{town}/roster/template.xlsx",
        f"/compliance/units/{town}/history.svg",
        f"/compliance/units/{world['banner'].id}",
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/compliance/units/{town}/roster",
        data={"file": (io.BytesIO(csv_bytes([])), "名册.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


def test_volunteers_and_anonymous_visitors_cannot_open_compliance(client, login_as, world):
    assert client.get("/compliance/").status_code == 302
    login_as(f.make_volunteer("路人").user)
    assert client.get("/compliance/").status_code == 403
    assert client.get("/compliance/settings").status_code == 403


def test_coordinator_sees_their_subtree_in_chinese_with_totals_and_charts(client, login_as, world):
    login_as(world["coordinator"])
    response = client.get("/compliance/", query_string={"year": YEAR})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "达标情况" in page and "嘎鲁图镇" in page and "萨如拉嘎查" in page
    assert "图克镇" not in page
    assert "33.3%" in page  # 1 of 3 completed
    assert "无名册" in page  # the village
    assert page.count("<svg") == 1  # units by rate, inline
    chart = client.get(f"/compliance/units/{world['town'].id}/history.svg?year={YEAR}")
    assert chart.mimetype == "image/svg+xml" and b"<polyline" in chart.data


def test_filters_apply_to_the_sub_units_and_the_own_roster_row_stays(client, login_as, world):
    login_as(world["admin"])
    town = f"/compliance/units/{world['town'].id}"
    page = client.get(town, query_string={"year": YEAR, "status": "no_roster"}).get_data(
        as_text=True
    )
    assert 'data-unit="WS-GLT-SRL"' in page and 'data-unit="WS-GLT"' in page  # its own row
    page = client.get(town, query_string={"year": YEAR, "status": "meets"}).get_data(as_text=True)
    assert 'data-unit="WS-GLT-SRL"' not in page and "没有符合条件的单位" in page
    banner = f"/compliance/units/{world['banner'].id}"
    page = client.get(banner, query_string={"year": YEAR, "kind": "towns"}).get_data(as_text=True)
    assert 'data-unit="WS-TK"' in page and 'data-unit="WS-GLT"' in page
    assert 'data-unit="WS-GLT-SRL"' not in page  # a grandchild: on the town's own page
    page = client.get(banner, query_string={"year": YEAR, "kind": "villages"}).get_data(
        as_text=True
    )
    assert 'data-unit="WS-TK"' not in page


def test_drill_down_lists_missing_people_masked_and_exports_them(client, login_as, world):
    login_as(world["coordinator"])
    town = world["town"]
    page = client.get(f"/compliance/units/{town.id}/missing", query_string={"year": YEAR})
    text = page.get_data(as_text=True)
    assert "未注册人" in text and "无时长" in text and "完成者" not in text
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.name == "未注册人"))
    assert entry.id_number not in text
    assert entry.id_number[:6] + "********" + entry.id_number[-4:] in text
    response = client.get(f"/compliance/units/{town.id}/missing.xlsx", query_string={"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["无时长", "未注册人"]


def test_full_numbers_are_shown_only_on_request_and_the_request_is_audited(client, login_as, world):
    login_as(world["coordinator"])
    town = world["town"]
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.name == "未注册人"))
    url = f"/compliance/units/{town.id}/missing"
    assert entry.id_number not in client.get(url, query_string={"year": YEAR}).get_data(
        as_text=True
    )
    text = client.post(url, query_string={"year": YEAR}).get_data(as_text=True)
    assert entry.id_number in text
    reveal = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "personal_data.reveal")
    )
    assert reveal.actor_id == world["coordinator"].id and reveal.target_id == town.id
    client.post("/auth/logout")
    login_as(world["sibling_coordinator"])
    assert client.post(url).status_code == 403


def test_revealing_full_numbers_is_refused_as_a_get_or_without_the_csrf_token(
    app, client, login_as, world
):
    login_as(world["coordinator"])
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.name == "未注册人"))
    url = f"/compliance/units/{world['town'].id}/missing"
    text = client.get(url, query_string={"year": YEAR, "full": "1"}).get_data(as_text=True)
    assert entry.id_number not in text  # the old link no longer reveals anything
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(url, query_string={"year": YEAR})
    assert entry.id_number not in response.get_data(as_text=True)
    page = client.get(url, query_string={"year": YEAR}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(url, query_string={"year": YEAR}, data={"csrf_token": token})
    assert entry.id_number in response.get_data(as_text=True)
    reveals = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "personal_data.reveal")
    ).all()
    assert len(reveals) == 1  # only the accepted reveal is in the log


def test_exports_csv_with_exact_columns_and_xlsx_with_a_sheet_per_unit(client, login_as, world):
    login_as(world["coordinator"])
    town = world["town"]
    response = job_file(
        client, client.get(f"/compliance/units/{town.id}/export.csv", query_string={"year": YEAR})
    )
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == CSV_HEADER
    assert lines[1] == "WS-GLT,嘎鲁图镇,3,2,1,0.3333,1,1,1,1.0000,no"
    assert lines[2] == "WS-GLT-SRL,萨如拉嘎查,0,0,0,,0,0,0,,no_roster"
    response = client.get(f"/compliance/units/{town.id}/export.xlsx", query_string={"year": YEAR})
    workbook = load_workbook(io.BytesIO(job_file(client, response).data))
    assert workbook.sheetnames == ["汇总", "进度预测", "未达标风险单位", "WS-GLT 嘎鲁图镇"]
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "compliance.export")
        )
        == 2
    )


def upload(client, unit, data, filename="名册.csv", mode="merge"):
    return client.post(
        f"/compliance/units/{unit.id}/roster",
        data={"file": (io.BytesIO(data), filename), "mode": mode},
        content_type="multipart/form-data",
    )


def test_upload_preview_confirm_replaces_the_roster(client, login_as, world):
    login_as(world["coordinator"])
    village = world["village"]
    rows = [person(f"村干部{i}", f.resident_id(), f.phone()) for i in range(3)]
    response = upload(client, village, csv_bytes(rows, encoding="gbk"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "预览" in page
    assert (
        db.session.scalar(
            select(func.count(RosterEntry.id)).where(RosterEntry.unit_id == village.id)
        )
        == 0
    )
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/compliance/rosters/confirm", data={"token": token})
    assert response.status_code == 302
    assert (
        db.session.scalar(
            select(func.count(RosterEntry.id)).where(RosterEntry.unit_id == village.id)
        )
        == 3
    )
    again = client.post("/compliance/rosters/confirm", data={"token": token})
    assert again.status_code == 302
    assert "已过期" in client.get(again.headers["Location"], follow_redirects=True).get_data(
        as_text=True
    )


def test_a_token_from_another_persons_preview_is_refused(client, login_as, world, app):
    login_as(world["coordinator"])
    page = upload(client, world["village"], csv_bytes([person("甲", f.resident_id(), f.phone())]))
    token = page.get_data(as_text=True).split('name="token" type="hidden" value="')[1].split('"')[0]
    other = app.test_client()
    from tests.conftest import login

    login(other, world["admin"])
    response = other.post(
        "/compliance/rosters/confirm", data={"token": token}, follow_redirects=True
    )
    assert "已过期" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count(RosterEntry.id)).where(RosterEntry.unit_id == world["village"].id)
        )
        == 0
    )


def test_an_upload_with_errors_shows_the_rows_and_imports_nothing(client, login_as, world):
    login_as(world["coordinator"])
    rows = [person("甲", f.resident_id(), f.phone()), person("乙", f.resident_id(), "999")]
    response = upload(client, world["village"], csv_bytes(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "未导入任何数据" in page and "<td>3</td><td>手机号</td>" in page


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"hello", "名册.docx", "这不是电子表格文件"),
        (b"", "名册.csv", "文件是空的"),
        ("姓名\n".encode("utf-16"), "名册.csv", "文件编码无法识别"),
    ],
)
def test_unusable_files_get_a_message_in_chinese(client, login_as, world, data, filename, message):
    login_as(world["coordinator"])
    page = upload(client, world["village"], data, filename).get_data(as_text=True)
    assert message in page


def test_a_file_over_the_limit_gets_a_message_not_a_crash(client, login_as, world, app):
    # Below the test client's 500 KB spooling threshold, which leaks a temp file otherwise.
    app.config["ROSTER_MAX_UPLOAD_BYTES"] = 256 * 1024
    app.config["MAX_CONTENT_LENGTH"] = 400 * 1024
    login_as(world["coordinator"])
    for size in (256 * 1024 + 10, 450 * 1024):  # over our limit; over Flask's limit
        page = upload(client, world["village"], b"a" * size).get_data(as_text=True)
        assert "文件超过 0.25 MB" in page, size


def test_templates_download_as_xlsx(client, login_as, world):
    login_as(world["coordinator"])
    response = client.get(f"/compliance/units/{world['village'].id}/roster/template.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data))["名册"]["A1"].value == "姓名*"
    response = client.get("/compliance/rosters/template.xlsx")
    assert load_workbook(io.BytesIO(response.data))["名册"]["A1"].value == "单位代码*"


def test_admin_edits_the_years_targets(client, login_as, world):
    login_as(world["admin"])
    assert client.get("/compliance/settings").status_code == 200
    response = client.post(
        "/compliance/settings",
        data={
            "year": YEAR,
            "staff_target": "60",
            "party_target": "95",
            "min_hours": "2",
            "milestone": "80",
        },
    )
    assert response.status_code == 302
    row = db.session.get(ComplianceSettings, YEAR)
    assert (float(row.staff_target), float(row.party_target), row.min_minutes) == (0.6, 0.95, 120)
    assert row.count_probationary is False and float(row.milestone) == 0.8
    assert compliance.targets_for(YEAR).min_minutes == 120


def test_cli_report_prints_the_csv_with_the_exact_header(runner, world):
    result = runner.invoke(args=["compliance", "report", "--year", str(YEAR)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == CSV_HEADER
    assert lines[1] == "WS,乌审旗,0,0,0,,0,0,0,,no_roster"
    assert "WS-GLT,嘎鲁图镇,3,2,1,0.3333,1,1,1,1.0000,no" in lines
    result = runner.invoke(args=["compliance", "report", "--unit", "WS-TK", "--year", str(YEAR)])
    assert result.output.splitlines()[1:] == ["WS-TK,图克镇,1,0,0,0.0000,0,0,0,,no"]


def test_cli_report_writes_xlsx_and_table(runner, world, tmp_path):
    target = tmp_path / "report.xlsx"
    result = runner.invoke(
        args=[
            "compliance",
            "report",
            "--format",
            "xlsx",
            "--output",
            str(target),
            "--year",
            str(YEAR),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "汇总" in load_workbook(target).sheetnames
    table = runner.invoke(args=["compliance", "report", "--format", "table", "--year", str(YEAR)])
    assert "TOTAL" in table.output and "嘎鲁图镇" in table.output
    bad = runner.invoke(args=["compliance", "report", "--unit", "NOPE"])
    assert bad.exit_code != 0


def test_a_coordinator_uploads_one_workbook_for_units_of_their_subtree(client, login_as, world):
    from tests.roster_files import HEADER, xlsx_bytes

    login_as(world["coordinator"])
    rows = [
        ["WS-GLT-SRL", *person("村干部", f.resident_id(), f.phone())],
        ["WS-GLT", *person("镇干部", f.resident_id(), f.phone())],
    ]
    response = client.post(
        "/compliance/rosters/batch",
        data={
            "file": (io.BytesIO(xlsx_bytes(rows, ["单位代码", *HEADER])), "多单位.xlsx"),
            "mode": "replace",
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "萨如拉嘎查" in page and "嘎鲁图镇" in page and "预览" in page
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/compliance/rosters/confirm", data={"token": token, "mode": "replace"})
    assert response.headers["Location"].endswith(f"/compliance/units/{world['town'].id}")
    names = set(db.session.scalars(select(RosterEntry.name).where(RosterEntry.active)))
    assert {"村干部", "镇干部", "图克职工"} <= names
    assert "无时长" not in names  # the town's roster was replaced


def test_a_past_period_names_the_roster_day_and_the_roster_page_keeps_who_left(
    client, login_as, world
):
    login_as(world["coordinator"])
    town = world["town"].id
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.name == "无时长"))
    entry.on_until = date(YEAR + 1, 3, 10)
    db.session.commit()
    past = client.get(f"/compliance/units/{town}?year={YEAR}").get_data(as_text=True)
    assert f"按 {YEAR}-12-31 当日的名册统计" in past
    assert 'id="roster-day"' not in client.get(f"/compliance/units/{town}").get_data(as_text=True)
    roster = client.get(f"/compliance/units/{town}/roster").get_data(as_text=True)
    assert f"已离开</span> 2000-01-01 – {YEAR + 1}-03-10" in roster
    assert "自 2000-01-01 起" in roster


def test_a_workbook_naming_a_unit_outside_the_subtree_imports_nothing(client, login_as, world):
    from tests.roster_files import HEADER, xlsx_bytes

    login_as(world["coordinator"])
    rows = [["WS-TK", *person("外人", f.resident_id(), f.phone())]]
    response = client.post(
        "/compliance/rosters/batch",
        data={"file": (io.BytesIO(xlsx_bytes(rows, ["单位代码", *HEADER])), "多单位.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "不在您管理的范围内" in response.get_data(as_text=True)


def test_the_preview_names_changed_fields_and_people_leaving(client, login_as, world):
    login_as(world["coordinator"])
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.name == "完成者"))
    rows = [person("完成者", entry.id_number, entry.phone or f.phone(), "群众", "")]
    page = upload(client, world["town"], csv_bytes(rows), mode="replace").get_data(as_text=True)
    assert '<span class="badge bg-info text-dark" data-preview="changed">有变更 1</span>' in page
    assert "离开 2" in page
    assert "政治面貌" in page.split('data-preview="changed"')[1]
    merged = upload(client, world["town"], csv_bytes(rows)).get_data(as_text=True)
    assert "有变更 1" in merged and "离开 0" in merged


def test_a_5000_row_upload_with_one_bad_row_names_it_and_imports_nothing(client, login_as, world):
    login_as(world["coordinator"])
    rows = [person(f"职工{i}", f.resident_id(), f.phone()) for i in range(5000)]
    rows[4321][4] = "外星人"
    queued = upload(client, world["village"], csv_bytes(rows))  # over 200 KB: checked by a job
    assert JOB_URL.search(queued.headers["Location"])
    response = client.get(queued.headers["Location"], follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "发现 1 处问题" in page
    assert "<td>4323</td><td>政治面貌</td>" in page
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 4  # the world's own entries


def test_a_hostile_workbook_gets_a_message_not_a_crash(client, login_as, world):
    from tests.upload_bombs import declared_whole_sheet_xlsx

    login_as(world["coordinator"])
    response = upload(client, world["village"], declared_whole_sheet_xlsx(), "名册.xlsx")
    assert response.status_code == 200
    assert "第 50100 行" in response.get_data(as_text=True)


def test_a_nul_in_the_uploaded_file_name_is_not_a_crash(client, login_as, world):
    login_as(world["coordinator"])
    rows = [person("村干部", f.resident_id(), f.phone())]
    response = upload(client, world["village"], csv_bytes(rows), "名\x00册.csv")
    assert response.status_code == 200
    assert "名册.csv" in response.get_data(as_text=True)


def test_a_long_roster_is_listed_a_page_at_a_time_and_found_by_name(
    client, login_as, world, monkeypatch
):
    from volunteer.services.rosters import listing

    monkeypatch.setattr(listing, "ROSTER_PAGE_SIZE", 2)
    login_as(world["coordinator"])
    url = f"/compliance/units/{world['town'].id}/roster"
    first = client.get(url).get_data(as_text=True)
    assert "第 1 / 2 页" in first and "下一页" in first and "上一页" not in first
    assert '<span class="badge bg-secondary">3</span>' in first  # the whole roster's people
    second = client.get(url + "?page=2").get_data(as_text=True)
    shown = [name for name in ("完成者", "无时长", "未注册人") if name in second]
    assert len(shown) == 1 and shown[0] not in first
    assert "第 2 / 2 页" in client.get(url + "?page=99").get_data(as_text=True)
    found = client.get(url + "?name=注册").get_data(as_text=True)
    assert "未注册人" in found and "无时长" not in found and "第 1 / 2 页" not in found
    assert "没有符合条件的人员" in client.get(url + "?name=%25").get_data(as_text=True)
