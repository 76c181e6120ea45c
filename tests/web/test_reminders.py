"""The reminder page and its exports through the client: who may, what comes out, audited."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from tests.job_support import job_file
from volunteer.extensions import db
from volunteer.models import AuditEntry, UnitKind
from volunteer.services import registration_links, reminders
from volunteer.services.compliance import Missing
from volunteer.services.periods import local_today, year_period
from volunteer.tasks import reminder_lists

FORMULA = "=1+2"


@pytest.fixture
def world(app):
    """A town with one unregistered person (named like a formula) and one registered, idle."""
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    sibling = f.make_unit("WS-TK", "图克镇", banner, UnitKind.TOWN)
    f.make_roster_entry(town, name=FORMULA).phone = "13700000001"
    f.make_roster_entry(town, f.make_volunteer("巴特尔")).phone = "13700000002"
    world = {
        "town": town,
        "coordinator": f.make_coordinator(town),
        "stranger": f.make_coordinator(sibling, "孙协调"),
    }
    db.session.commit()
    return world


def url(world, kind=None) -> str:
    base = f"/compliance/units/{world['town'].id}/reminders"
    return base if kind is None else f"{base}/{kind}"


def post(client, world, kind="not_registered", button="export_csv", **fields):
    data = {f"{kind}-message": "{name}，请注册。", f"{kind}-{button}": "1"}
    data |= {f"{kind}-{name}": value for name, value in fields.items()}
    return client.post(url(world, kind), data=data)


def exported(client, world, kind="not_registered", button="export_csv", **fields):
    """The file of the export job the form queued."""
    return job_file(client, post(client, world, kind, button, **fields))


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def exports_audited() -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "compliance.export_reminders")
        .order_by(AuditEntry.id)
    ).all()


def test_the_page_offers_each_list_with_its_ready_text(client, login_as, world):
    login_as(world["coordinator"])
    page = client.get(url(world)).get_data(as_text=True)
    assert "短信提醒 · 嘎鲁图镇" in page and "本系统不发送短信" in page
    # The unit's own link, as on its poster: registering through it files people under it.
    token = registration_links.unit_token_for_id(world["town"].id)
    registration = f"http://localhost/auth/register?unit={token}"
    texts = re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    assert len(texts) == 2
    assert "{name}同志，您好！" in texts[0] and registration in texts[0]
    assert str(local_today().year) + "年12月31日前" in texts[0]
    assert "嘎鲁图镇在册干部职工2人，已注册1人、已完成0人" in texts[1]
    assert "巴特尔同志，您好！" in page  # the preview fills in one person's name
    missing = client.get(f"/compliance/units/{world['town'].id}/missing").get_data(as_text=True)
    assert url(world) in missing


def test_the_link_follows_the_configured_public_address(app, client, login_as, world):
    app.config["PUBLIC_BASE_URL"] = "https://zyz.example.cn/"
    login_as(world["coordinator"])
    assert "https://zyz.example.cn/auth/register" in client.get(url(world)).get_data(as_text=True)


def test_the_csv_export_is_the_sms_columns_with_the_edited_text(client, login_as, world):
    login_as(world["coordinator"])
    response = exported(client, world)
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert csv_rows(response) == [
        ["手机号", "姓名", "短信内容"],
        ["137****0001", "'" + FORMULA, "'" + FORMULA + "，请注册。"],
    ]


def test_the_excel_export_masks_unless_full_numbers_are_asked_for(client, login_as, world):
    login_as(world["coordinator"])
    for fields, phone in (({}, "137****0002"), ({"full_numbers": "y"}, "13700000002")):
        response = exported(client, world, "no_hours", "export_xlsx", **fields)
        sheet = load_workbook(io.BytesIO(response.data)).active
        assert [[c.value for c in row] for row in sheet.iter_rows()] == [
            ["手机号", "姓名", "短信内容"],
            [phone, "巴特尔", "巴特尔，请注册。"],
        ]
    audited = exports_audited()
    assert [(e.actor_id, e.details["list"], e.details["full_numbers"]) for e in audited] == [
        (world["coordinator"].id, "no_hours", False),
        (world["coordinator"].id, "no_hours", True),
    ]


def test_a_coordinator_of_another_unit_is_refused(client, login_as, world):
    login_as(world["stranger"])
    assert client.get(url(world)).status_code == 403
    assert post(client, world, full_numbers="y").status_code == 403
    assert exports_audited() == []


def test_preview_shows_the_edited_text_and_a_bad_one_is_refused(client, login_as, world):
    login_as(world["coordinator"])
    preview = post(client, world, "no_hours", "preview").get_data(as_text=True)
    assert "巴特尔，请注册。" in preview and "{name}，请注册。</textarea>" in preview
    empty = client.post(
        url(world, "no_hours"), data={"no_hours-message": " ", "no_hours-export_csv": "1"}
    )
    assert empty.status_code == 422 and "请填写短信内容" in empty.get_data(as_text=True)
    too_long = post(client, world, message="长" * 501)
    assert too_long.status_code == 422 and "短信内容超过 500 字" in too_long.get_data(as_text=True)
    assert post(client, world, "everyone").status_code == 404
    assert exports_audited() == []


def test_the_admin_reads_the_export_in_the_audit_log(client, login_as, world):
    login_as(world["coordinator"])
    exported(client, world, full_numbers="y")
    client.post("/auth/logout")
    login_as(f.make_admin())
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "导出短信提醒名单" in log and "名单" in log


def test_an_export_needs_the_form_s_own_csrf_token(app, client, login_as, world):
    login_as(world["coordinator"])
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(url(world)).get_data(as_text=True)
    token = re.search(r'name="no_hours-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert post(client, world, "no_hours").status_code == 400  # a forged form exports nothing
    assert exports_audited() == []
    response = exported(client, world, "no_hours", csrf_token=token)
    assert response.mimetype == "text/csv"


def test_a_subtree_list_gives_each_unit_s_people_their_own_unit_s_text(client, login_as, world):
    village = f.make_unit("WS-GLT-1", "一村", world["town"], UnitKind.VILLAGE)
    f.make_roster_entry(village, name="其木格").phone = "13700000003"
    db.session.commit()
    login_as(world["coordinator"])
    assert "也导出所有下级单位" in client.get(url(world)).get_data(as_text=True)
    response = exported(client, world, subtree="y")
    assert "-%E5%85%A8%E9%83%A8%E4%B8%8B%E7%BA%A7-" in response.headers["Content-Disposition"]
    rows = {row[1]: row[2] for row in csv_rows(response)[1:]}
    assert rows["'" + FORMULA] == "'" + FORMULA + "，请注册。"  # the town's edited text
    assert (
        rows["其木格"].startswith("其木格同志，您好！") and "一村在册干部职工1人" in rows["其木格"]
    )
    assert "/auth/register?unit=" in rows["其木格"]
    assert exports_audited()[-1].details["subtree"] is True


def test_a_unit_without_sub_units_is_not_offered_a_subtree_list(client, login_as, world):
    login_as(world["coordinator"])
    assert "也导出所有下级单位" not in client.get(url(world)).get_data(as_text=True)


def test_a_worker_without_a_request_links_texts_to_the_site_s_address(app, world):
    village = f.make_unit("WS-GLT-1", "一村", world["town"], UnitKind.VILLAGE)
    f.make_roster_entry(village, name="其木格").phone = "13700000003"
    asked = reminders.ReminderRequest(
        Missing.NOT_REGISTERED, "{name}", year_period(local_today().year), "csv", subtree=True
    )
    params = reminder_lists.list_params(
        world["town"], asked, "https://zyz.example.cn/", "https://zyz.example.cn"
    )
    out = io.BytesIO()
    reminder_lists.write_list(params, world["coordinator"].id, out, lambda done, total: None)
    rows = csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")))
    text = next(row[2] for row in rows if row[1] == "其木格")
    assert "https://zyz.example.cn/auth/register?unit=" in text
