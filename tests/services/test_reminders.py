"""Reminder lists (issue 16): the ready text, {name}, SMS columns, masking, audit, no sending."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from volunteer.documents.reminders import SMS_COLUMNS
from volunteer.extensions import db
from volunteer.models import AuditEntry, PoliticalStatus, UnitKind
from volunteer.services import periods, reminders
from volunteer.services.compliance import Figures, Missing, Targets, compliance_report
from volunteer.services.errors import ServiceError

YEAR = 2025
PERIOD = periods.year_period(YEAR)
FORMULA = '=HYPERLINK("http://evil.example/","点我")'
LINK = "https://zyz.example.cn/auth/register"
SITE = "https://home.example.cn/"


@pytest.fixture
def unit_world(app):
    """A department with one completed person, two unregistered (one without a phone, one
    named like a formula), one registered without hours, and a child unit's missing person."""
    banner = f.make_unit("WS", "乌审旗")
    unit = f.make_unit("WS-JY", "旗教育局", banner)
    child = f.make_unit("WS-JY-1", "第一中学", unit)
    other = f.make_unit("WS-TK", "图克镇", banner, UnitKind.TOWN)
    start = datetime(YEAR, 6, 1, 2, tzinfo=UTC)
    activity = f.make_activity(f.make_organization(), starts_at=start)
    done = f.make_volunteer("乌云", political_status=PoliticalStatus.CPC_MEMBER)
    f.make_roster_entry(unit, done)
    f.make_record(done, activity, 60)
    idle = f.make_volunteer("巴特尔")
    f.make_roster_entry(unit, idle).phone = "13900000002"
    f.make_roster_entry(unit, name=FORMULA).phone = "13900000001"
    f.make_roster_entry(unit, name="没手机")
    f.make_roster_entry(child, name="下级人").phone = "13900000009"
    return {
        "unit": unit,
        "coordinator": f.make_coordinator(unit),
        "stranger": f.make_coordinator(other, "孙协调"),
        "admin": f.make_admin(),
    }


def facts(**changes) -> reminders.UnitFacts:
    values = {
        "unit_name": "旗教育局",
        "figures": Figures(
            staff=40,
            staff_registered=20,
            staff_completed=10,
            party=10,
            party_registered=5,
            party_completed=3,
        ),
        "targets": Targets(year=YEAR),
        "year": YEAR,
        "today": date(YEAR, 5, 8),
        "link": LINK,
        "site_link": SITE,
    }
    return reminders.UnitFacts(**(values | changes))


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def export(world, user, kind=Missing.NOT_REGISTERED, file_format="csv", full=False, text=None):
    asked = reminders.ReminderRequest(
        kind, text or "{name}同志：请注册志愿者。", PERIOD, file_format, full
    )
    return reminders.export_reminders(world["unit"], asked, user)


# ---- the ready text ---------------------------------------------------------------------


def test_the_ready_text_names_the_unit_its_figures_the_targets_deadline_and_link():
    text = reminders.default_message(Missing.NOT_REGISTERED, facts())
    assert text.startswith("{name}同志，您好！")
    assert "干部职工70%、党员90%" in text
    assert "截至5月8日，旗教育局在册干部职工40人，已注册20人、已完成10人，距目标还差18人" in text
    assert "党员10人，已注册5人、已完成3人，距目标还差6人" in text
    assert "请于2025年12月31日前注册：" + LINK in text
    assert SITE not in text


def test_the_no_hours_text_asks_for_service_and_links_the_site():
    text = reminders.default_message(Missing.NO_HOURS, facts())
    assert "2025年尚未录入服务时长" in text and "2025年12月31日前" in text
    assert text.endswith(SITE) and LINK not in text


def test_a_unit_without_party_members_or_already_at_target_says_so():
    figures = Figures(staff=10, staff_registered=8, staff_completed=7)
    targets = Targets(year=YEAR, staff_target=Decimal("0.655"))
    text = reminders.default_message(Missing.NO_HOURS, facts(figures=figures, targets=targets))
    assert "党员" not in text.split("截至")[1]  # only the goal sentence names party members
    assert "干部职工65.5%" in text and "已完成7人，已达到目标。" in text


def test_name_placeholders_are_filled_and_nothing_else_is_touched():
    text = "{name}您好，{name}！{unit} {0} %s {"
    assert reminders.personal_message(text, "乌云") == "乌云您好，乌云！{unit} {0} %s {"


def test_the_message_must_be_there_and_fit_a_long_text():
    assert reminders.checked_message("  你好 \n") == "你好"
    for bad in ("", "   ", None, "长" * (reminders.MESSAGE_MAX_LENGTH + 1)):
        with pytest.raises(ServiceError) as refused:
            reminders.checked_message(bad)
        assert refused.value.field == "message"
    assert reminders.checked_message("长" * reminders.MESSAGE_MAX_LENGTH)


def test_sms_parts_count_as_platforms_charge():
    assert [reminders.sms_parts("字" * n) for n in (1, 70, 71, 134, 135)] == [1, 1, 2, 2, 3]


def test_the_unit_figures_are_its_own_roster_not_its_subtree(unit_world):
    targets = Targets(year=YEAR)
    figures = reminders.unit_figures(unit_world["unit"], PERIOD, targets)
    assert (figures.staff, figures.staff_registered, figures.staff_completed) == (4, 2, 1)
    assert (figures.party, figures.party_completed) == (1, 1)


def test_the_unit_figures_equal_its_row_of_the_full_report(unit_world):
    targets = Targets(year=YEAR)
    report = compliance_report(unit_world["unit"], PERIOD, targets)
    own = next(row for row in report.rows if row.unit_id == unit_world["unit"].id)
    assert reminders.unit_figures(unit_world["unit"], PERIOD, targets) == own.figures


def test_the_unit_figures_read_the_same_statements_however_large_the_subtree(
    unit_world, count_queries
):
    targets, unit = Targets(year=YEAR), unit_world["unit"]
    db.session.flush()
    with count_queries() as few:
        before = reminders.unit_figures(unit, PERIOD, targets)
    for i in range(5):
        f.make_roster_entry(f.make_unit(f"WS-JY-X{i}", f"下级{i}", unit), name=f"人{i}")
    db.session.flush()
    with count_queries() as many:
        after = reminders.unit_figures(unit, PERIOD, targets)
    assert many.statements == few.statements == 1 and after == before


# ---- the exported lists -----------------------------------------------------------------


def test_the_csv_has_the_sms_columns_and_one_finished_text_per_person(unit_world):
    rows = csv_rows(export(unit_world, unit_world["coordinator"]))
    assert rows[0] == ["手机号", "姓名", "短信内容"] == list(SMS_COLUMNS)
    # The unregistered person without a phone and the child unit's person are left out.
    assert rows[1:] == [["139****0001", "'" + FORMULA, "'" + FORMULA + "同志：请注册志愿者。"]]


def test_the_no_hours_list_holds_the_registered_people_without_hours(unit_world):
    rows = csv_rows(export(unit_world, unit_world["coordinator"], Missing.NO_HOURS))
    assert rows[1:] == [["139****0002", "巴特尔", "巴特尔同志：请注册志愿者。"]]


def test_the_workbook_has_the_same_columns_as_inert_text(unit_world):
    data = export(unit_world, unit_world["coordinator"], file_format="xlsx", full=True)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "未注册 旗教育局"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["手机号", "姓名", "短信内容"],
        ["13900000001", FORMULA, FORMULA + "同志：请注册志愿者。"],
    ]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in cells)  # never a formula, phones stay text
    assert sheet.freeze_panes == "A2"


def test_full_phones_only_when_asked_by_someone_the_roster_rule_entitles(unit_world):
    def phones(user, full):
        return [row[0] for row in csv_rows(export(unit_world, user, full=full))[1:]]

    assert phones(unit_world["coordinator"], False) == ["139****0001"]
    assert phones(unit_world["coordinator"], True) == ["13900000001"]
    assert phones(unit_world["admin"], True) == ["13900000001"]
    # A coordinator of another unit is not entitled: the service masks whatever is asked.
    assert phones(unit_world["stranger"], True) == ["139****0001"]


def test_every_export_is_audited_with_who_unit_list_count_and_masking(unit_world):
    coordinator, stranger = unit_world["coordinator"], unit_world["stranger"]
    export(unit_world, coordinator, Missing.NO_HOURS, "xlsx")
    export(unit_world, coordinator, full=True)
    export(unit_world, stranger, full=True)
    entries = reminders_audit()
    assert [(e.actor_id, e.target_type, e.target_id) for e in entries] == [
        (coordinator.id, "units", unit_world["unit"].id),
        (coordinator.id, "units", unit_world["unit"].id),
        (stranger.id, "units", unit_world["unit"].id),
    ]
    assert [e.details for e in entries] == [
        {
            "list": "no_hours",
            "format": "xlsx",
            "year": YEAR,
            "people": 1,
            "full_numbers": False,
            "full_phones": 0,
            "subtree": False,
        },
        {
            "list": "not_registered",
            "format": "csv",
            "year": YEAR,
            "people": 1,
            "full_numbers": True,
            "full_phones": 1,
            "subtree": False,
        },
        {
            "list": "not_registered",
            "format": "csv",
            "year": YEAR,
            "people": 1,
            "full_numbers": False,
            "full_phones": 0,
            "subtree": False,
        },
    ]


def reminders_audit() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == reminders.AUDIT_ACTION)
            .order_by(AuditEntry.id)
        )
    )


def test_a_bad_message_or_format_exports_nothing_and_audits_nothing(unit_world):
    with pytest.raises(ServiceError):
        export(unit_world, unit_world["coordinator"], text="   ")
    with pytest.raises(ServiceError):
        export(unit_world, unit_world["coordinator"], file_format="pdf")
    assert reminders_audit() == []


def test_nothing_is_texted_even_with_the_sms_hook_switched_on(app, unit_world):
    sent = []
    app.config.update(SMS_ENABLED=True, SMS_SENDER=lambda phone, text: sent.append(phone))
    export(unit_world, unit_world["coordinator"], full=True)
    export(unit_world, unit_world["coordinator"], Missing.NO_HOURS, "xlsx", full=True)
    assert sent == []


def test_a_subtree_list_holds_the_units_below_each_with_its_unit_s_text(unit_world):
    asked = reminders.ReminderRequest(
        Missing.NOT_REGISTERED, "{name}：请注册。", PERIOD, "csv", full=True, subtree=True
    )
    child = unit_world["unit"].children[0]
    data = reminders.export_reminders(
        unit_world["unit"], asked, unit_world["coordinator"], {child.id: "{name}：第一中学请注册。"}
    )
    assert csv_rows(data)[1:] == [
        ["13900000001", "'" + FORMULA, "'" + FORMULA + "：请注册。"],
        ["13900000009", "下级人", "下级人：第一中学请注册。"],
    ]
    assert reminders_audit()[-1].details["subtree"] is True


def test_the_ready_texts_of_a_subtree_carry_each_unit_s_own_figures(unit_world):
    def facts_for(row):
        return facts(unit_name=row.name, figures=row.figures, link=f"{LINK}?u={row.code}")

    texts = reminders.unit_texts(unit_world["unit"], Missing.NOT_REGISTERED, PERIOD, facts_for)
    child = unit_world["unit"].children[0]
    assert "旗教育局在册干部职工4人" in texts[unit_world["unit"].id]
    assert "第一中学在册干部职工1人，已注册0人" in texts[child.id]
    assert texts[child.id].endswith(f"{LINK}?u=WS-JY-1")


def test_a_stranger_gets_no_full_phones_below_either(unit_world):
    asked = reminders.ReminderRequest(
        Missing.NOT_REGISTERED, "{name}", PERIOD, "csv", full=True, subtree=True
    )
    data = reminders.export_reminders(unit_world["unit"], asked, unit_world["stranger"])
    assert [row[0] for row in csv_rows(data)[1:]] == ["139****0001", "139****0009"]
