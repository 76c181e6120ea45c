"""Roster uploads are read within budgets, whatever the file declares (issue 10, finding 1).

The two hostile workbooks are read in a child process with its address space capped,
so a reader that materializes them fails the test instead of exhausting the machine."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import factories as f
from tests.roster_files import HEADER, csv_bytes, person, xlsx_bytes
from volunteer.services import rosters
from volunteer.services.rosters import RosterFileError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 2.0
MAX_BYTES = 100 * 1024 * 1024

READ_IN_A_CHILD = """
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
from tests import upload_bombs
from volunteer import create_app
from volunteer.services.rosters import RosterFileError, read_table

app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "child"})
data = getattr(upload_bombs, sys.argv[1])()

def read():
    try:
        read_table(data, "名册.xlsx")
        return "read without complaint"
    except RosterFileError as error:
        return error.message

with app.test_request_context():
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    message = read()
    seconds = time.perf_counter() - started
    rss_grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    tracemalloc.start()
    read()
    traced_peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"message": message, "seconds": seconds, "rss_grown": rss_grown,
                  "traced_peak": traced_peak, "size": len(data)}))
"""


def read_in_a_child(bomb: str) -> dict:
    """Read one hostile workbook in a fresh interpreter and report time, memory and message."""
    finished = subprocess.run(
        [sys.executable, "-c", READ_IN_A_CHILD, bomb],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return json.loads(finished.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("bomb", "largest", "words"),
    [
        ("declared_whole_sheet_xlsx", 2 * 1024, "第 50100 行"),
        ("deflate_bomb_xlsx", 6 * 1024 * 1024, "解压后"),
    ],
)
def test_hostile_workbooks_get_a_clear_message_quickly_and_in_little_memory(bomb, largest, words):
    report = read_in_a_child(bomb)
    assert report["size"] <= largest
    assert words in report["message"]
    assert report["seconds"] < MAX_SECONDS
    assert report["rss_grown"] < MAX_BYTES
    assert report["traced_peak"] < MAX_BYTES


@pytest.fixture
def unit(app):
    return f.make_unit("D1", "旗教育局")


def check(data: bytes, unit, filename="名册.csv"):
    return rosters.check_roster(data, filename, unit=unit, may_upload_for=lambda _unit: True)


def refusal(data: bytes, unit, filename="名册.csv") -> str:
    with pytest.raises(RosterFileError) as raised:
        check(data, unit, filename)
    return raised.value.message


FILE_NAMES = {csv_bytes: "名册.csv", xlsx_bytes: "名册.xlsx"}


def people(count: int) -> list[list[str]]:
    return [person(f"职工{i}", f.resident_id(), f.phone()) for i in range(count)]


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_reading_stops_at_the_row_budget_counting_blank_rows(app, unit, make):
    app.config["ROSTER_MAX_ROWS"] = 5
    assert check(make(people(5)), unit, FILE_NAMES[make]).ok
    blank_rows = [[""] * len(HEADER)] * 104
    assert "第 105 行" in refusal(make([*blank_rows, *people(1)]), unit, FILE_NAMES[make])


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_a_row_wider_than_the_column_budget_is_refused(app, unit, make):
    app.config["ROSTER_MAX_COLUMNS"] = 10
    wide = person("张三", f.resident_id(), f.phone()) + [""] * 10 + ["stray"]
    assert "第 10 列" in refusal(make([wide]), unit, FILE_NAMES[make])


def test_trailing_blank_cells_do_not_count_against_the_column_budget(app, unit):
    app.config["ROSTER_MAX_COLUMNS"] = 8
    assert check(csv_bytes([person("张三", f.resident_id(), f.phone()) + [""] * 20]), unit).ok


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_a_cell_longer_than_the_budget_is_refused(app, unit, make):
    app.config["ROSTER_MAX_CELL_CHARS"] = 50
    row = person("张三", f.resident_id(), f.phone(), position="科" * 51)
    assert "超过 50 个字符" in refusal(make([row]), unit, FILE_NAMES[make])


def test_the_cell_budget_counts_every_cell_read(app, unit):
    app.config["ROSTER_MAX_CELLS"] = 30
    assert "30 个单元格" in refusal(csv_bytes(people(5)), unit)


def test_a_workbook_with_too_many_parts_is_refused_before_it_is_opened(app, unit):
    app.config["ROSTER_MAX_ZIP_MEMBERS"] = 20
    buffer = io.BytesIO(xlsx_bytes(people(1)))
    with zipfile.ZipFile(buffer, "a") as workbook:
        for number in range(20):
            workbook.writestr(f"customXml/item{number}.xml", "<x/>")
    assert "个部件" in refusal(buffer.getvalue(), unit, "名册.xlsx")


def test_a_part_packed_beyond_the_ratio_budget_is_refused(app, unit):
    buffer = io.BytesIO(xlsx_bytes(people(1)))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as workbook:
        workbook.writestr("customXml/item1.xml", b" " * (2 * 1024 * 1024))
    assert "压缩比" in refusal(buffer.getvalue(), unit, "名册.xlsx")


def test_a_nul_in_the_file_name_is_dropped(unit):
    checked = check(csv_bytes(people(1)), unit, "名\x00册.csv")
    assert checked.ok and checked.filename == "名册.csv"
