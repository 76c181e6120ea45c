"""The campaign page, its A4 PDF and the admins' settings, through the client.

The campaign runs from last year to next year, so its three years are past, current and
not yet begun whatever the day the suite runs. Assessed units: the town and the
department (the village is not assessed). Last year both met targets; this year only
the town has (the department's one person has no time this year).
"""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import AuditEntry, Campaign, UnitKind
from volunteer.services import campaign as campaigns
from volunteer.services.periods import local_today

THIS_YEAR = local_today().year


def form_data(**changes) -> dict:
    data = {
        "name": "创建全国县级文明城市三年行动",
        "first_year": THIS_YEAR,
        "years": 3,
        "plan-0-weight": "15",
        "plan-0-milestone": "80",
        "plan-1-weight": "25",
        "plan-1-milestone": "100",
        "plan-2-weight": "60",
        "plan-2-milestone": "100",
    }
    data.update(changes)
    return data


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    department = f.make_unit("WS-JYJ", "旗教育局", banner)
    village = f.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    team = f.make_organization()
    last_year = f.make_activity(team, starts_at=datetime(THIS_YEAR - 1, 5, 4, 1, tzinfo=UTC))
    this_year = f.make_activity(team, starts_at=datetime(THIS_YEAR, 1, 1, 1, tzinfo=UTC))
    townsman, teacher = f.make_volunteer("乌云"), f.make_volunteer("高娃")
    f.make_roster_entry(town, townsman)
    f.make_roster_entry(department, teacher)
    for volunteer, activity in ((townsman, last_year), (teacher, last_year), (townsman, this_year)):
        f.make_record(volunteer, activity, 60)
    plan = campaigns.default_plan(THIS_YEAR - 1)
    campaign = campaigns.save_campaign(
        None,
        name="三年行动",
        first_year=THIS_YEAR - 1,
        weights=[y.weight for y in plan],
        milestones=[y.milestone for y in plan],
        actor=None,
    )
    people = {
        "admin": f.make_admin(),
        "office": f.make_coordinator(banner, "文明办"),
        "town_coordinator": f.make_coordinator(town, "镇协调"),
        "organizer": f.make_organizer(team),
        "volunteer": f.make_volunteer("路人").user,
    }
    db.session.commit()
    return {"banner": banner, "town": town, "village": village, "campaign": campaign, **people}


def test_the_office_sees_each_year_against_its_milestone_and_the_weighted_progress(
    client, login_as, world
):
    login_as(world["office"])
    response = client.get("/campaign/")
    assert response.headers["Location"].endswith(f"/campaign/units/{world['banner'].id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "三年行动" in page and "乌审旗" in page
    # Last year 2 of 2 meet (100% ≥ 80%): met, 15 points; this year 1 of 2 (50% of 100%):
    # in progress, 25% × 0.5 = 12.5 points; next year not started. 15 + 12.5 = 27.5%.
    assert 'data-state="met"' in page and "已达成" in page
    assert 'data-state="in_progress"' in page and "进行中" in page
    assert 'data-state="not_started"' in page and "未开始" in page
    assert "参与考核单位 2 个，达标 1 个" in page and "50.0%" in page
    assert '<div class="display-6 fw-bold text-danger" data-total="weighted-progress">27.5%' in page
    assert "加权进度 = Σ 年度权重 × 达成度；达成度 = 达标单位占比 ÷ 阶段目标" in page
    assert "达成度 100.0%，计入加权进度 15.0%" in page  # last year: 100% of an 80% milestone
    assert "打印 A4" in page


def test_who_may_see_the_campaign_page(client, login_as, world):
    banner_page = f"/campaign/units/{world['banner'].id}"
    assert client.get(banner_page).status_code == 302  # to the sign-in page
    for person, status in (
        ("volunteer", 403),
        ("organizer", 403),
        ("town_coordinator", 403),  # the banner is above the town
        ("office", 200),
        ("admin", 200),
    ):
        login_as(world[person])
        assert client.get(banner_page).status_code == status, person
        assert client.get(banner_page + "/report.pdf").status_code == status, person
        client.post("/auth/logout")


def test_a_town_coordinator_sees_the_campaign_over_the_town(client, login_as, world):
    login_as(world["town_coordinator"])
    location = client.get("/campaign/").headers["Location"]
    assert location.endswith(f"/campaign/units/{world['town'].id}")
    page = client.get(location).get_data(as_text=True)
    assert "参与考核单位 1 个，达标 1 个" in page  # the town itself; the village is not assessed
    assert "旗教育局" not in page


def test_the_a4_pdf_is_one_page_with_the_figures(client, login_as, world):
    login_as(world["office"])
    response = client.get(f"/campaign/units/{world['banner'].id}/report.pdf")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.data))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    today = local_today()
    for expected in (
        "三年行动",
        "乌审旗",
        f"{today.year}年{today.month}月{today.day}日",
        "100.0%",
        "50.0%",
        "27.5%",
        "已达成",
        "进行中",
    ):
        assert expected in text, expected


def test_without_a_campaign_the_page_says_so_and_offers_admins_to_set_one_up(
    client, login_as, world
):
    db.session.delete(world["campaign"])
    db.session.commit()
    login_as(world["admin"])
    page = client.get(f"/campaign/units/{world['banner'].id}").get_data(as_text=True)
    assert "尚未设置创建行动" in page and "/campaign/settings" in page
    assert client.get(f"/campaign/units/{world['banner'].id}/report.pdf").status_code == 404
    assert client.get(f"/campaign/units/{world['banner'].id}?campaign=99999").status_code == 404


def test_only_admins_open_the_campaign_settings(client, login_as, world):
    edit = f"/campaign/settings/{world['campaign'].id}"
    login_as(world["office"])
    assert client.get("/campaign/settings").status_code == 403
    assert client.post(edit, data=form_data(first_year=THIS_YEAR - 1)).status_code == 403
    client.post("/auth/logout")
    login_as(world["admin"])
    page = client.get(edit).get_data(as_text=True)
    assert 'value="15.00"' in page and 'value="60.00"' in page and 'value="80.00"' in page


def test_the_admin_form_refuses_bad_plans_in_chinese(client, login_as, world):
    login_as(world["admin"])
    edit = f"/campaign/settings/{world['campaign'].id}"
    cases = (
        ({"plan-2-weight": "50"}, "年度权重之和须为 100%（当前 90%）"),
        ({"plan-0-weight": "120"}, "请输入 0 到 100 之间的百分比"),
        ({"plan-1-milestone": ""}, "请输入百分比"),
        ({"name": ""}, "请输入创建行动名称"),
        ({"years": "11"}, "创建行动为 1 至 10 年"),
        ({"first_year": "1999"}, "请输入 2000 到 2100 之间的年份"),
    )
    for changes, message in cases:
        response = client.post(edit, data=form_data(**{"first_year": THIS_YEAR - 1, **changes}))
        assert response.status_code == 200, changes
        assert message in response.get_data(as_text=True), changes
    assert db.session.get(Campaign, world["campaign"].id).name == "三年行动"


def test_a_year_of_another_campaign_is_refused(client, login_as, world):
    login_as(world["admin"])
    response = client.post("/campaign/settings", data=form_data(first_year=THIS_YEAR + 1))
    assert f"{THIS_YEAR + 1} 年已属于创建行动“三年行动”" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_the_admin_saves_a_campaign_and_the_audit_log_has_it(client, login_as, world):
    login_as(world["admin"])
    response = client.post(
        f"/campaign/settings/{world['campaign'].id}",
        data=form_data(
            name="三年行动（修订）",
            first_year=THIS_YEAR - 1,
            **{"plan-0-weight": "20", "plan-1-weight": "30", "plan-2-weight": "50"},
        ),
    )
    assert response.status_code == 302
    campaign = db.session.get(Campaign, world["campaign"].id)
    assert campaign.name == "三年行动（修订）"
    assert [row.weight for row in campaign.plan] == [Decimal("0.2"), Decimal("0.3"), Decimal("0.5")]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.update"))
    assert entry.actor_id == world["admin"].id
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "修改创建行动" in log and "20% / 30% / 50%" in log


def test_changing_the_number_of_years_shows_one_row_per_year_before_saving(client, login_as, world):
    login_as(world["admin"])
    response = client.post("/campaign/settings", data=form_data(first_year=2030, years="4"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写每一年的权重和阶段目标，然后保存" in page
    assert 'name="plan-3-weight"' in page and 'value="25.00"' in page  # four equal shares
    assert "第4年 · 2033年" in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


@pytest.mark.parametrize("page", ["/compliance/", "/campaign/"])
def test_with_no_units_yet_the_whole_subtree_pages_send_an_admin_home_saying_so(
    app, client, login_as, page
):
    login_as(f.make_admin())
    response = client.get(page, follow_redirects=True)
    assert response.request.path == "/"
    assert "还没有单位。" in response.get_data(as_text=True)
