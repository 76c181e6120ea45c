"""Staff pages a county office can live in, on a 390 px phone and a 1280 px desktop.

Every staff page: no horizontal overflow of the page, and no table cell squeezed narrower
than two characters (the "已/发/布" wrapping). Then the journeys: audit filters, compliance
cards, a roster added to with its preview, a paper sheet in bulk, and the full-number export.
"""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tests.browser.helpers import sign_in
from tests.browser.test_accessibility import VIEWPORTS, pages_by_role, site  # noqa: F401
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import AuditEntry, RosterEntry, ServiceRecord
from volunteer.services.periods import local_date

pytestmark = pytest.mark.browser

STAFF_ROLES = ("organizer", "coordinator", "admin")
# Visible cells with at least two characters of text whose content box is narrower than their
# first two characters as drawn in the cell's own font; and whether the page scrolls sideways.
# Measured, not taken as 2 em: without a CJK font the fallback glyphs are narrower than 1 em.
LAYOUT_PROBLEMS = """() => {
  const narrow = [];
  const ruler = document.createElement('canvas').getContext('2d');
  for (const cell of document.querySelectorAll('td, th')) {
    const box = cell.getBoundingClientRect();
    const hidden = cell.querySelector('.visually-hidden');
    const text = cell.innerText.trim();
    if (!box.width || text.length < 2 || (hidden && hidden.innerText.trim() === text)) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    ruler.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    if (inner + 1 < ruler.measureText(text.slice(0, 2)).width) narrow.push(text.slice(0, 12));
  }
  const overflow = document.documentElement.scrollWidth > window.innerWidth;
  return {narrow, overflow};
}"""


def _account(site, role):  # noqa: F811
    accounts = {"organizer": site.organizer, "coordinator": site.coordinator}
    return {**accounts, "admin": site.admin}[role]


def _extra_pages(site) -> dict[str, list[str]]:  # noqa: F811
    """Staff pages this work added, beside those the accessibility scan visits."""
    activity = site.activity.id
    return {
        "organizer": [f"/records/activities/{activity}/sheet"],
        "coordinator": [],
        "admin": ["/admin/audit?action=role.grant"],
    }


def new_page(browser, live_server, screen):
    width, height = VIEWPORTS[screen]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        base_url=live_server,
        is_mobile=screen == "phone",
        has_touch=screen == "phone",
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)  # a loaded CI machine is slow, not wrong
    return context, page


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_staff_pages_neither_overflow_nor_squeeze_cells(browser, live_server, site, screen):  # noqa: F811
    problems, checked = [], 0
    pages, extra = pages_by_role(site), _extra_pages(site)
    for role in STAFF_ROLES:
        context, page = new_page(browser, live_server, screen)
        try:
            page.goto("/auth/login")
            sign_in(page, _account(site, role).phone)
            for path in pages[role] + extra[role]:
                page.goto(path)
                found = page.evaluate(LAYOUT_PROBLEMS)
                if found["overflow"] or found["narrow"]:
                    problems.append(f"{path}: {found}")
                checked += 1
        finally:
            context.close()
    assert checked >= 30
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_audit_filters_narrow_the_log(browser, live_server, site, screen):  # noqa: F811
    context, page = new_page(browser, live_server, screen)
    try:
        page.goto("/auth/login")
        sign_in(page, site.admin.phone)
        page.goto("/admin/audit")
        page.get_by_label("操作", exact=True).select_option(label="授予角色")
        page.get_by_role("button", name="筛选").click()
        grants = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "role.grant"))
        count = len(grants.all())
        assert page.locator("#audit-count").inner_text() == f"{count} 条记录"
        shown = "ol.audit-cards > li" if screen == "phone" else "table.audit-table tbody tr"
        assert page.locator(shown).count() == count
        assert "授予角色" in page.locator(shown).first.inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_compliance_shows_cards_on_phones_and_the_table_on_desktops(
    browser,
    live_server,
    site,  # noqa: F811
    screen,
):
    context, page = new_page(browser, live_server, screen)
    try:
        page.goto("/auth/login")
        sign_in(page, site.coordinator.phone)
        page.goto(f"/compliance/units/{site.town.id}")
        card = page.locator('#compliance-cards [data-card-unit="WS-GLT"]')
        table = page.locator("#compliance-table")
        assert card.is_visible() == (screen == "phone")
        assert table.is_visible() == (screen == "desktop")
        if screen == "phone":
            text = card.inner_text()
            assert "50.0%" in text and "还差 1 人" in text and "未达标" in text
            assert card.locator("meter").count() == 2
    finally:
        context.close()


def test_a_roster_grows_by_add_or_update_with_its_preview(browser, live_server, site, tmp_path):  # noqa: F811
    newcomer = factories.resident_id()
    roster = tmp_path / "新增.csv"
    roster.write_bytes(csv_bytes([person("新同事", newcomer, factories.phone())]))
    context, page = new_page(browser, live_server, "phone")
    try:
        page.goto("/auth/login")
        sign_in(page, site.coordinator.phone)
        page.goto(f"/compliance/units/{site.town.id}/roster")
        page.get_by_label("名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
        page.get_by_role("button", name="校验文件").click()
        preview = page.locator("#preview")
        assert preview.locator('[data-preview="added"]').inner_text() == "新增 1"
        assert preview.locator('[data-preview="leaving"]').inner_text() == "离开 0"
        preview.locator("summary", has_text="新增").click()
        assert "新同事" in preview.inner_text()
        page.get_by_role("button", name="确认新增或更新").click()
        page.wait_for_url(f"**/compliance/units/{site.town.id}")
    finally:
        context.close()
    db.session.expire_all()
    active = db.session.scalars(select(RosterEntry.name).where(RosterEntry.active)).all()
    assert sorted(active) == ["其木格", "巴特尔", "新同事"]


def test_a_paper_sheet_is_entered_in_bulk(browser, live_server, site):  # noqa: F811
    other = factories.make_volunteer("巴图", phone="13800002222")
    db.session.commit()
    day = local_date(site.activity.starts_at).isoformat()
    start = site.activity.starts_at
    phone = site.volunteer.user.phone
    text = f"其木格\t{phone}\t{day} {_hhmm(start, 0)}\t{day} {_hhmm(start, 5)}\n"
    text += f"巴图\t{other.volunteer_number}\t{day} {_hhmm(start, 1)}\t{day} {_hhmm(start, 6)}\n"
    context, page = new_page(browser, live_server, "phone")
    try:
        page.goto("/auth/login")
        sign_in(page, site.organizer.phone)
        page.goto(f"/records/activities/{site.activity.id}")
        page.get_by_role("link", name="整张签到表一次录入").click()
        page.get_by_label("签到表各行：姓名、志愿者编号或手机号、签到、签退").fill(text)
        page.get_by_role("button", name="检查签到表").click()
        assert page.locator("#sheet-matched").inner_text() == "已匹配 2"
        page.get_by_role("button", name="确认添加 2 条记录").click()
        page.wait_for_url(f"**/records/activities/{site.activity.id}")
        assert "已从签到表添加 2 条记录" in page.content()
    finally:
        context.close()
    db.session.expire_all()
    names = {r.volunteer.name for r in db.session.scalars(select(ServiceRecord))}
    assert {"其木格", "巴图"} <= names


def test_the_entitled_coordinator_downloads_full_numbers(browser, live_server, site):  # noqa: F811
    context, page = new_page(browser, live_server, "phone")
    try:
        page.goto("/auth/login")
        sign_in(page, site.coordinator.phone)
        page.goto(f"/compliance/units/{site.town.id}/missing")
        with page.expect_download() as download:
            page.get_by_role("button", name="导出（含完整号码）").click()
        data = Path(download.value.path()).read_bytes()
    finally:
        context.close()
    sheet = load_workbook(io.BytesIO(data)).active
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.name == "巴特尔"))
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "巴特尔")
    assert row[3].value == entry.id_number and row[3].data_type == "s"
    assert row[9].data_type == "n"


def _hhmm(moment, minutes: int) -> str:
    from datetime import timedelta

    from volunteer.services.periods import aware_to_beijing_naive

    return aware_to_beijing_naive(moment + timedelta(minutes=minutes)).strftime("%H:%M")
