"""A whole paper sign-in sheet: preview matches and misses, then every row or none."""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import AuditEntry, RecordSource, RecordStatus, ServiceRecord

# 2026-05-04 09:00-13:00 Beijing.
START = datetime(2026, 5, 4, 1, tzinfo=UTC)


@pytest.fixture
def sheet_world(app):
    team = f.make_organization("嘎鲁图镇志愿服务队")
    activity = f.make_activity(team, starts_at=START, hours=4, title="清扫街道")
    wuyun = f.make_volunteer("乌云", phone="13800001111")
    batu = f.make_volunteer("巴图", phone="13800002222")
    organizer = f.make_organizer(team)
    world = {"activity": activity, "wuyun": wuyun, "batu": batu, "organizer": organizer}
    db.session.commit()
    return world


def sheet_url(world) -> str:
    return f"/records/activities/{world['activity'].id}/sheet"


def record_count() -> int:
    return db.session.scalar(select(func.count(ServiceRecord.id)))


def lines(world, second_out="12:00") -> str:
    return (
        "姓名\t编号或手机\t签到\t签退\n"
        f"乌云\t13800001111\t09:00\t11:30\n"
        f"巴图, {world['batu'].volunteer_number}, 2026-05-04 10:00, {second_out}\n"
    )


def test_a_pasted_sheet_previews_then_adds_every_row_as_manual_entries(
    client, login_as, sheet_world
):
    login_as(sheet_world["organizer"])
    form = {"text": lines(sheet_world), "reason": "纸质签到表"}
    page = client.post(sheet_url(sheet_world), data=form)
    text = page.get_data(as_text=True)
    assert "预览" in text and 'id="sheet-confirm"' in text and record_count() == 0
    response = client.post(
        sheet_url(sheet_world),
        data={"text": lines(sheet_world), "reason": "纸质签到表", "step": "confirm"},
    )
    assert response.status_code == 302
    added = db.session.scalars(select(ServiceRecord).order_by(ServiceRecord.id)).all()
    assert [(r.volunteer.name, r.credited_minutes) for r in added] == [("乌云", 150), ("巴图", 120)]
    assert {(r.source, r.status) for r in added} == {(RecordSource.MANUAL, RecordStatus.APPROVED)}
    paper = AuditEntry.action == "record.paper_sheet"
    audited = db.session.scalar(select(AuditEntry).where(paper))
    assert audited.details["rows"] == 2


def test_misses_are_named_in_the_preview_and_nothing_is_confirmed(client, login_as, sheet_world):
    login_as(sheet_world["organizer"])
    unknown, wrong_name = "陌生人\t13900009999\t09:00\t10:00", "巴图\t13800001111\t09:00\t10:00"
    text = lines(sheet_world) + f"{unknown}\n{wrong_name}\n"
    page = client.post(sheet_url(sheet_world), data={"text": text, "reason": "纸质签到表"})
    html = page.get_data(as_text=True)
    # The same message for an unknown number and a wrong name: a sheet cannot probe either.
    assert html.count("没有与该编号或手机号及姓名同时相符的志愿者") == 2
    assert 'id="sheet-confirm"' not in html
    forced = client.post(
        sheet_url(sheet_world), data={"text": text, "reason": "纸质签到表", "step": "confirm"}
    )
    assert forced.status_code == 422 and record_count() == 0


def test_a_row_refused_by_the_manual_entry_rules_adds_nothing(client, login_as, sheet_world):
    login_as(sheet_world["organizer"])
    text = lines(sheet_world, second_out="2026-05-04 18:00")  # longer than the activity
    response = client.post(
        sheet_url(sheet_world), data={"text": text, "reason": "纸质签到表", "step": "confirm"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and record_count() == 0
    assert "补录时长不能超过活动本身的时长" in html.split('data-sheet-row="3"')[1].split("</tr>")[0]


def test_a_csv_file_works_like_pasted_lines(client, login_as, sheet_world):
    login_as(sheet_world["organizer"])
    data = lines(sheet_world).replace("\t", ",").encode("utf-8")
    response = client.post(
        sheet_url(sheet_world),
        data={"file": (io.BytesIO(data), "签到表.csv"), "reason": "纸质签到表"},
        content_type="multipart/form-data",
    )
    assert 'id="sheet-confirm"' in response.get_data(as_text=True)


def test_only_the_activitys_organizers_enter_sheets(client, login_as, sheet_world):
    login_as(sheet_world["wuyun"].user)
    assert client.get(sheet_url(sheet_world)).status_code == 403


def test_the_checked_rows_download_as_inert_csv(client, login_as, sheet_world):
    login_as(sheet_world["organizer"])
    text = lines(sheet_world) + "=HYPERLINK(1)\t13900009999\t09:00\t10:00\n"
    response = client.post(
        sheet_url(sheet_world) + "/results.csv", data={"text": text, "reason": "纸质签到表"}
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "行号" and rows[1][1:3] == ["乌云", "13800001111"]
    assert rows[1][-1] == "可添加" and rows[3][1] == "'=HYPERLINK(1)"
    assert "没有与该编号或手机号及姓名同时相符的志愿者" in rows[3][-1]
