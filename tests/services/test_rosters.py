"""Roster uploads: checked whole, previewed, then replacing the unit's roster."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import factories as f
from tests.roster_files import HEADER, csv_bytes, person, xlsx_bytes
from volunteer.documents.rosters import roster_template_xlsx
from volunteer.extensions import db
from volunteer.models import PoliticalStatus, RosterEntry, RosterUpload
from volunteer.services import rosters
from volunteer.services.errors import ServiceError
from volunteer.services.rosters import RosterFileError

# Upload moments in UTC; stints open and close on their Beijing days.
JANUARY = datetime(2025, 1, 5, 17, tzinfo=UTC)  # 6 January, 01:00 in Beijing
MARCH = datetime(2025, 3, 10, 2, tzinfo=UTC)
MARCH_DAY = date(2025, 3, 10)
MAY = datetime(2025, 5, 20, 2, tzinfo=UTC)


def anyone(_unit):
    return True


@pytest.fixture
def unit(app):
    root = f.make_unit("WS", "乌审旗")
    return f.make_unit("D1", "旗教育局", parent=root)


def people(count: int) -> list[list[str]]:
    return [person(f"职工{i}", f.resident_id(), f.phone()) for i in range(count)]


def check(data: bytes, unit, filename="名册.csv"):
    return rosters.check_roster(data, filename, unit=unit, may_upload_for=anyone)


def import_rows(unit, rows, filename="名册.csv", now=None):
    checked = check(csv_bytes(rows), unit, filename)
    assert checked.ok, checked.errors
    return rosters.apply_roster(checked, actor=None, now=now)


def active_entries(unit):
    return {
        e.id_number: e
        for e in db.session.scalars(
            select(RosterEntry).where(RosterEntry.unit_id == unit.id, RosterEntry.active)
        )
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk_is_read(unit, encoding):
    rows = people(3)
    rows[0][4] = "中共党员"
    checked = check(csv_bytes(rows, encoding=encoding), unit)
    assert checked.ok
    assert [r.name for r in checked.rows] == ["职工0", "职工1", "职工2"]
    assert checked.rows[0].political_status == PoliticalStatus.CPC_MEMBER.value


def test_the_downloaded_template_filled_in_is_accepted(unit):
    workbook = load_workbook(io.BytesIO(roster_template_xlsx()))
    sheet = workbook["名册"]
    assert [c.value for c in sheet[1]] == [
        "姓名*",
        "证件类型*",
        "证件号码*",
        "手机号*",
        "政治面貌*",
        "职务",
    ]
    sheet.append(person("张三", f.resident_id(), f.phone()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    checked = check(buffer.getvalue(), unit, "名册.xlsx")
    assert checked.ok and checked.rows[0].name == "张三"


def test_every_bad_row_is_reported_with_column_and_reason_and_nothing_is_kept(unit):
    good = person("好人", f.resident_id(), f.phone())
    valid = f.resident_id()
    bad_checksum = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # one number, its digit wrong
    rows = [
        good,
        person("坏号", bad_checksum, f.phone()),
        person("坏手机", f.resident_id(), "12345"),
        person("坏面貌", f.resident_id(), f.phone(), status="火星人"),
        person("", f.resident_id(), f.phone()),
        [good[0], good[1], good[2].lower(), f.phone(), "群众", ""],
    ]
    checked = check(csv_bytes(rows), unit)
    assert not checked.ok and checked.rows == []
    found = {(e.row, e.column) for e in checked.errors}
    assert {(3, "证件号码"), (4, "手机号"), (5, "政治面貌"), (6, "姓名"), (7, "证件号码")} <= found
    duplicate = next(e for e in checked.errors if e.row == 7)
    assert "2" in duplicate.reason


def test_an_id_number_excel_turned_into_a_number_gets_its_own_message(unit):
    checked = check(
        xlsx_bytes([["张三", "居民身份证", 1.52627199001011e17, f.phone(), "群众"]]),
        unit,
        "名册.xlsx",
    )
    assert checked.errors[0].column == "证件号码"
    assert "文本" in checked.errors[0].reason


def test_one_bad_row_among_5000_imports_nothing_and_names_that_row(unit):
    rows = people(5000)
    rows[3120][3] = "1380013800"  # ten digits
    checked = check(csv_bytes(rows), unit)
    assert [(e.row, e.column) for e in checked.errors] == [(3122, "手机号")]
    with pytest.raises(ServiceError):
        rosters.apply_roster(checked, actor=None)
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 0


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"%PDF-1.4 not a sheet", "名册.pdf", "不是电子表格"),
        (b"PK\x03\x04 broken zip", "名册.xlsx", "不是电子表格"),
        (b"", "名册.csv", "空"),
        ("姓名,证件号码\n".encode("utf-16"), "名册.csv", "编码"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "名册.xls", ".xls"),
        ("姓名,手机号\n张三,13800000000\n".encode(), "名册.csv", "缺少"),
        (",".join(HEADER).encode() + b"\n", "名册.csv", "没有"),
    ],
)
def test_files_that_cannot_be_rosters_get_a_clear_chinese_message(unit, data, filename, words):
    with pytest.raises(RosterFileError) as raised:
        check(data, unit, filename)
    assert words in raised.value.message


def test_a_file_over_the_size_limit_is_refused(unit, app):
    app.config["ROSTER_MAX_UPLOAD_BYTES"] = 1024 * 1024
    with pytest.raises(RosterFileError) as raised:
        check(b"x" * (1024 * 1024 + 1), unit)
    assert "文件超过 1 MB" in raised.value.message


def test_reupload_replaces_the_roster_keeping_leavers_as_closed_stints(unit):
    rows = people(4)
    first = import_rows(unit, rows, now=JANUARY)
    assert (first.added, first.deactivated) == (4, 0)
    assert {e.on_from for e in active_entries(unit).values()} == {date(2025, 1, 6)}  # Beijing
    leaver_number = rows[3][2]
    second_rows = [*rows[:3], person("新人", f.resident_id(), f.phone())]
    second_rows[0] = [*rows[0][:3], f.phone(), *rows[0][4:]]
    checked = check(csv_bytes(second_rows), unit)
    (plan,) = rosters.plan_roster(checked, replace=True)
    assert (len(plan.added), len(plan.unchanged), len(plan.changed), len(plan.leaving)) == (
        1,
        2,
        1,
        1,
    )
    assert plan.changed[0][2] == ["phone"]
    second = rosters.apply_roster(checked, actor=None, replace=True, now=MARCH)
    assert (second.added, second.changed, second.unchanged, second.deactivated) == (1, 1, 2, 1)
    leaver = db.session.scalar(select(RosterEntry).where(RosterEntry.id_number == leaver_number))
    assert (leaver.active, leaver.on_from, leaver.on_until) == (False, date(2025, 1, 6), MARCH_DAY)
    assert len(active_entries(unit)) == 4
    third = import_rows(unit, rows, now=MAY)  # the leaver comes back: a second stint
    assert third.added == 1 and leaver.on_until == MARCH_DAY
    stints = db.session.scalars(
        select(RosterEntry).where(RosterEntry.id_number == leaver_number).order_by(RosterEntry.id)
    ).all()
    assert [(e.on_from, e.on_until) for e in stints] == [
        (date(2025, 1, 6), MARCH_DAY),
        (date(2025, 5, 20), None),
    ]
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 6


def test_a_person_removed_and_listed_again_the_same_day_keeps_one_stint(unit):
    rows = people(2)
    import_rows(unit, rows, now=JANUARY)
    rosters.apply_roster(check(csv_bytes(rows[:1]), unit), actor=None, replace=True, now=MARCH)
    import_rows(unit, rows, now=MARCH + timedelta(hours=3))
    stints = db.session.scalars(select(RosterEntry).where(RosterEntry.id_number == rows[1][2]))
    assert [(e.on_from, e.on_until) for e in stints] == [(date(2025, 1, 6), None)]


def test_a_new_political_status_closes_the_stint_and_starts_one(unit):
    rows = people(1)
    import_rows(unit, rows, now=JANUARY)
    rows[0][4] = "中共党员"
    upload = import_rows(unit, rows, now=MARCH)
    assert (upload.added, upload.changed) == (0, 1)
    stints = db.session.scalars(select(RosterEntry).order_by(RosterEntry.id)).all()
    assert [(e.political_status, e.on_from, e.on_until) for e in stints] == [
        (PoliticalStatus.MASSES, date(2025, 1, 6), MARCH_DAY),
        (PoliticalStatus.CPC_MEMBER, MARCH_DAY, None),
    ]
    rows[0][3] = f.phone()  # other changes are corrections in place
    import_rows(unit, rows, now=MAY)
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 2
    assert stints[1].phone == rows[0][3]


def test_the_database_holds_one_open_stint_per_person_and_unit(unit):
    number = f.resident_id()
    f.make_roster_entry(unit, id_number=number, on_until=date(2025, 3, 1))
    f.make_roster_entry(unit, id_number=number, on_from=date(2025, 4, 1))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        f.make_roster_entry(unit, id_number=number, on_from=date(2025, 5, 1))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        f.make_roster_entry(
            unit, id_number=f.resident_id(), on_from=date(2025, 5, 1), on_until=date(2025, 4, 1)
        )


def test_a_workbook_with_unit_codes_replaces_each_named_unit(unit):
    other = f.make_unit("D2", "旗卫健委", parent=unit.parent)
    header = ["单位代码", *HEADER]
    rows = [
        ["d1", *person("甲", f.resident_id(), f.phone())],
        ["D2", *person("乙", f.resident_id(), f.phone())],
        ["D2", *person("丙", f.resident_id(), f.phone())],
    ]
    checked = rosters.check_roster(
        xlsx_bytes(rows, header), "多单位.xlsx", unit=None, may_upload_for=anyone
    )
    assert checked.ok and checked.unit_ids == [unit.id, other.id]
    upload = rosters.apply_roster(checked, actor=None)
    assert upload.unit_id is None and upload.added == 3
    assert len(active_entries(other)) == 2


def test_a_workbook_naming_units_outside_the_uploaders_scope_is_refused(unit):
    other = f.make_unit("D2", "旗卫健委", parent=unit.parent)
    header = ["单位代码", *HEADER]
    rows = [
        ["D1", *person("甲", f.resident_id(), f.phone())],
        ["D2", *person("乙", f.resident_id(), f.phone())],
        ["NOPE", *person("丙", f.resident_id(), f.phone())],
    ]
    checked = rosters.check_roster(
        xlsx_bytes(rows, header),
        "多单位.xlsx",
        unit=None,
        may_upload_for=lambda target: target.id != other.id,
    )
    assert [(e.row, e.column) for e in checked.errors] == [(3, "单位代码"), (4, "单位代码")]


def test_pending_rows_are_only_returned_to_their_owner_with_the_right_hash(unit):
    owner, stranger = f.make_staff("甲"), f.make_staff("乙")
    checked = check(csv_bytes(people(2)), unit)
    token, digest = rosters.save_pending(checked, owner)
    assert rosters.load_pending(token, digest, owner).rows == checked.rows
    for args in ((token, digest, stranger), (token, "0" * 64, owner), ("../etc", digest, owner)):
        with pytest.raises(ServiceError):
            rosters.load_pending(*args)
    rosters.discard_pending(token)
    with pytest.raises(ServiceError):
        rosters.load_pending(token, digest, owner)
    assert db.session.scalar(select(func.count(RosterUpload.id))) == 0


def test_a_csv_in_another_encoding_is_explained(unit):
    data = csv_bytes(people(1)).decode("utf-8-sig").encode("big5", errors="replace")
    with pytest.raises(RosterFileError) as raised:
        check(data, unit)
    assert "UTF-8" in raised.value.message


def test_an_inactive_unit_cannot_get_a_roster(unit):
    unit.active = False
    with pytest.raises(RosterFileError):
        check(csv_bytes(people(1)), unit)
