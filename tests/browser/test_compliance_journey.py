"""A coordinator on a phone uploads a roster, checks the preview, confirms, sees compliance
(in the requests for a small roster, through the jobs' pages for a large one)."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tests.browser.helpers import sign_in
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import UnitKind
from volunteer.services.periods import local_today

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("as_jobs", [False, True], ids=["in-the-requests", "as-jobs"])
def test_coordinator_uploads_a_roster_and_sees_compliance_on_a_phone(
    phone_page, app, tmp_path, as_jobs
):
    if as_jobs:  # as a large roster goes: the check and the import run as jobs
        app.config |= {"ROSTER_INLINE_UPLOAD_BYTES": 0, "ROSTER_INLINE_ROWS": 0}
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    coordinator = factories.make_coordinator(town, "钱协调")
    served = factories.make_volunteer("乌云")
    start = datetime(local_today().year, 1, 1, 1, tzinfo=UTC)  # 09:00 on 1 January, Beijing
    activity = factories.make_activity(factories.make_organization(), starts_at=start)
    factories.make_record(served, activity, 90, check_in_at=start + timedelta(minutes=5))
    db.session.commit()
    newcomer_id = factories.resident_id()
    roster = tmp_path / "名册.csv"
    roster.write_bytes(
        csv_bytes(
            [
                person("乌云", served.id_number, factories.phone(), "中共党员", "站长"),
                person("巴特尔", newcomer_id, factories.phone()),
            ],
            encoding="gbk",
        )
    )

    page = phone_page
    page.goto("/auth/login")
    sign_in(page, coordinator.phone)
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="达标情况").click()
    assert "未上传名册" in page.locator('#compliance-cards [data-card-unit="WS-GLT"]').inner_text()

    page.get_by_role("link", name="名册", exact=True).click()
    page.get_by_label("名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
    page.get_by_role("button", name="校验文件").click()
    preview = page.locator("#preview")
    assert "预览" in preview.inner_text()
    assert ("/compliance/rosters/checked/" in page.url) == as_jobs  # a job's page landed here
    assert preview.locator('[data-preview="added"]').inner_text() == "新增 2"

    page.get_by_role("button", name="确认新增或更新").click()
    page.wait_for_url(f"**/compliance/units/{town.id}")
    assert "名册已导入：新增 2 人" in page.content()
    row = page.locator('#compliance-cards [data-card-unit="WS-GLT"]')
    assert "50.0%" in row.inner_text()
    assert "未达标" in row.inner_text() and "还差 1 人" in row.inner_text()
    assert page.locator('[data-total="party-rate"]').inner_text() == "100.0%"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    row.get_by_role("link", name="嘎鲁图镇").click()
    assert page.locator("#count-not-registered").inner_text() == "1"
    assert "巴特尔" in page.content()
    assert newcomer_id not in page.content()  # masked
    assert newcomer_id[:6] + "********" + newcomer_id[-4:] in page.content()


def test_a_coordinator_drills_down_the_tree_by_tap_and_finds_a_unit_by_name(phone_page, app):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    village = factories.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    factories.make_unit("WS-GLT-SRL-1", "萨如拉一组", village, UnitKind.OTHER)
    factories.make_roster_entry(village, name="村干部")
    coordinator = factories.make_coordinator(banner, "钱协调")
    db.session.commit()

    page = phone_page
    page.goto("/auth/login")
    sign_in(page, coordinator.phone)
    page.goto(f"/compliance/units/{banner.id}")
    cards = page.locator("#compliance-cards")
    assert cards.locator('[data-card-unit="WS-GLT-SRL"]').count() == 0  # a grandchild
    cards.locator('[data-card-unit="WS-GLT"]').get_by_role("link", name="查看下级单位").click()
    page.wait_for_url(f"**/compliance/units/{town.id}*")
    assert "1" in cards.locator('[data-card-unit="WS-GLT-SRL"]').inner_text()
    cards.locator('[data-card-unit="WS-GLT-SRL"]').get_by_role("link", name="查看下级单位").click()
    page.wait_for_url(f"**/compliance/units/{village.id}*")
    assert cards.locator('[data-card-unit="WS-GLT-SRL-1"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("按名称查找单位").fill("一组")
    page.get_by_role("button", name="查找", exact=True).click()
    found = page.locator("#unit-search-results")
    assert "乌审旗 › 嘎鲁图镇 › 萨如拉嘎查" in found.inner_text()
    found.get_by_role("link", name="萨如拉一组").click()
    assert "萨如拉一组" in page.locator("h1").inner_text()
