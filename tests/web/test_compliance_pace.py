"""The pace projection on the compliance page, in the workbook and on the rates-over-time chart."""

import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from tests import factories as f
from tests.job_support import job_file
from volunteer.extensions import db
from volunteer.models import UnitKind
from volunteer.services import periods
from volunteer.services.compliance import history

YEAR = 2025
TODAY = date(YEAR, 6, 1)
BEFORE = datetime(YEAR, 3, 10, 2, tzinfo=UTC)
INSIDE = datetime(YEAR, 5, 25, 2, tzinfo=UTC)  # inside the last 14 days
EARLY = datetime(YEAR - 1, 11, 1, tzinfo=UTC)
CANNOT = "按当前进度年底前无法达标"


@pytest.fixture
def world(app, monkeypatch):
    """On 1 June: the town completes 2 a week and is 20 short; the village has stalled."""
    for module in (periods, history):
        monkeypatch.setattr(module, "local_today", lambda now=None: TODAY)
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    village = f.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    activity = f.make_activity(f.make_organization(), starts_at=BEFORE)
    for served_at in [BEFORE] * 4 + [INSIDE] * 4:
        volunteer = f.make_volunteer()
        volunteer.registered_at = EARLY
        f.make_roster_entry(town, volunteer)
        f.make_record(volunteer, activity, 60, check_in_at=served_at)
    for _ in range(32):
        f.make_roster_entry(town)
    for _ in range(3):
        f.make_roster_entry(village)
    world = {"town": town, "village": village, "coordinator": f.make_coordinator(town)}
    db.session.commit()
    return world


def page_of(client, world, **args):
    url = f"/compliance/units/{world['town'].id}"
    return client.get(url, query_string={"year": YEAR, **args}).get_data(as_text=True)


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def test_the_page_shows_each_units_projection_and_the_units_at_risk(client, login_as, world):
    login_as(world["coordinator"])
    page = page_of(client, world, window=14)
    pace = section(page, "pace")
    assert "2025-05-19 至 2025-06-01（14 天）" in pace
    assert "预计 2025-08-21 达标" in pace  # the subtree: 8 of 43 done, 23 short at 2 a week
    town_row = re.search(r'data-pace-unit="WS-GLT".*?</tr>', page, re.S).group(0)
    assert "预计 2025-08-10 达标" in town_row  # 20 short at 2 a week: 10 weeks
    assert "2.0" in town_row
    village_row = re.search(r'data-pace-unit="WS-GLT-SRL".*?</tr>', page, re.S).group(0)
    assert CANNOT in village_row
    at_risk = re.findall(r'data-at-risk="([^"]+)"', pace)
    assert at_risk == ["WS-GLT-SRL"]
    assert CANNOT in pace and "每周需完成 0.1 人（近期每周 0.0 人）" in pace


def test_the_window_comes_from_the_settings_or_a_bounded_query_parameter(
    client, login_as, world, app
):
    login_as(world["coordinator"])
    page = page_of(client, world)
    assert "（30 天）" in section(page, "pace")
    app.config["COMPLIANCE_PACE_WINDOW_DAYS"] = 21
    assert "（21 天）" in section(page_of(client, world), "pace")
    refused = page_of(client, world, window=3)
    assert "进度测算区间须为 7 至 180 天。" in refused and "（21 天）" in refused
    assert "window=3" not in refused
    kept = page_of(client, world, window=60)
    assert f"/compliance/units/{world['town'].id}/export.xlsx?year={YEAR}&amp;window=60" in kept
    assert 'name="window" value="60"' in kept  # the period form keeps it too


def test_the_workbook_has_every_units_pace_and_the_units_at_risk(client, login_as, world):
    login_as(world["coordinator"])
    response = client.get(
        f"/compliance/units/{world['town'].id}/export.xlsx",
        query_string={"year": YEAR, "window": 14},
    )
    workbook = load_workbook(io.BytesIO(job_file(client, response).data))
    assert workbook.sheetnames[:3] == ["汇总", "进度预测", "未达标风险单位"]
    pace = workbook["进度预测"]
    assert pace["A1"].value == "单位代码" and pace["E1"].value == "干部职工预计达标"
    lines = {row[0].value: row for row in pace.iter_rows(min_row=2) if row[0].value}
    town = lines["WS-GLT"]
    assert town[4].value == datetime(YEAR, 8, 10) and town[4].number_format == "yyyy-mm-dd"
    assert (town[2].value, town[3].value) == (2.0, 20)
    assert lines["WS-GLT-SRL"][4].value == CANNOT
    notes = [row[0].value for row in pace.iter_rows() if str(row[0].value).startswith("按 2025")]
    assert notes == ["按 2025-05-19 至 2025-06-01 的进度测算至 2025-12-31。"]
    risky = [row[0].value for row in workbook["未达标风险单位"].iter_rows(min_row=2)]
    assert risky[0] == "WS-GLT-SRL"


def test_the_chart_draws_the_projection_as_dashed_lines(client, login_as, world):
    login_as(world["coordinator"])
    url = f"/compliance/units/{world['town'].id}/history.svg"
    chart = client.get(url, query_string={"year": YEAR, "window": 14}).get_data(as_text=True)
    dashed = re.findall(r'<polyline points="([^"]+)"[^>]*stroke-dasharray="6 4"', chart)
    assert len(dashed) == 1  # staff only: no party members, registrations are not projected
    assert len(dashed[0].split()) == 8  # today, then 7 month ends to 31 December
    assert "虚线：按当前进度预测" in chart and "按当前进度，2025-12-31" in chart
    past = client.get(url, query_string={"year": YEAR - 1}).get_data(as_text=True)
    assert "<polyline" in past and 'class="projection"' not in past


def test_before_the_period_starts_and_after_it_ends_the_page_says_so(client, login_as, world):
    login_as(world["coordinator"])
    future = page_of(client, world, year=YEAR + 1)
    assert "考核期尚未开始，暂无进度可测算。" in section(future, "pace")
    assert "None" not in future
    # A year that has ended: the roster is the same, the deadline is behind us.
    past = page_of(client, world, year=YEAR - 1)
    assert "考核期已结束。" in section(past, "pace") and "None" not in past
    assert re.findall(r'data-at-risk="([^"]+)"', past) == ["WS-GLT", "WS-GLT-SRL"]
