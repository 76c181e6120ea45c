"""The three-year campaign: the plan (weights, milestones, years) and its figures, counted by hand.

The tree: 乌审旗 > 旗教育局 (A), 旗卫健委 (B), 嘎鲁图镇 (C) > 萨如拉嘎查 (V), and 旗财政局 (D).
A, B, C and D are assessed (departments and towns); V is not; D has no roster.

Rosters: A = a1, a2 (party member); B = b1; C = c1, c2, c3; V = v1.
Served in 2024: everyone. Served in 2025: a1, b1, c1, c2, v1.

By hand, 2024: A meets, B meets, C 3/3 meets, D has no roster: 3 of 4 = 75.00%.
            2025: A's party member has no time (0/1 < 90%), C 2/3 = 66.6% < 70%: B alone, 1 of 4.
Weights 15/25/60, milestones 80/100/100; today is 30 June 2025:
  2024 not met: attainment min(1, 0.75 / 0.80) = 0.9375, adds 0.15 × 0.9375 = 0.140625 -> 0.1406
  2025 in progress: min(1, 0.25 / 1) = 0.25, adds 0.25 × 0.25 = 0.0625
  2026 not started: adds 0
  weighted progress 0.1406 + 0.0625 = 0.2031
"""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import (
    AuditEntry,
    Campaign,
    CampaignYear,
    ComplianceSettings,
    PoliticalStatus,
    UnitKind,
)
from volunteer.services import campaign as campaigns
from volunteer.services import compliance
from volunteer.services.campaign import YearState
from volunteer.services.errors import DuplicateError, ServiceError

TODAY = date(2025, 6, 30)
PLAN = {"weights": [Decimal("0.15"), Decimal("0.25"), Decimal("0.60")]}
MILESTONES = [Decimal("0.8"), Decimal("1"), Decimal("1")]


def served(volunteer, activity) -> None:
    f.make_record(volunteer, activity, 60)


@pytest.fixture
def tree(app):
    banner = f.make_unit("WS", "乌审旗")
    units = {
        "A": f.make_unit("A", "旗教育局", banner),
        "B": f.make_unit("B", "旗卫健委", banner),
        "C": f.make_unit("C", "嘎鲁图镇", banner, UnitKind.TOWN),
        "D": f.make_unit("D", "旗财政局", banner),
    }
    units["V"] = f.make_unit("V", "萨如拉嘎查", units["C"], UnitKind.VILLAGE)
    people = {
        "a1": f.make_volunteer("甲一"),
        "a2": f.make_volunteer("甲二", political_status=PoliticalStatus.CPC_MEMBER),
        "b1": f.make_volunteer("乙一"),
        "c1": f.make_volunteer("丙一"),
        "c2": f.make_volunteer("丙二"),
        "c3": f.make_volunteer("丙三"),
        "v1": f.make_volunteer("丁一"),
    }
    for key, volunteer in people.items():
        f.make_roster_entry(units[key[0].upper()], volunteer)
    team = f.make_organization()
    last_year = f.make_activity(team, starts_at=datetime(2024, 5, 4, 1, tzinfo=UTC))
    this_year = f.make_activity(team, starts_at=datetime(2025, 5, 4, 1, tzinfo=UTC))
    for volunteer in people.values():
        served(volunteer, last_year)
    for key in ("a1", "b1", "c1", "c2", "v1"):
        served(people[key], this_year)
    return {"banner": banner, **units}


def make_campaign(first_year: int = 2024, milestones=MILESTONES, actor=None) -> Campaign:
    return campaigns.save_campaign(
        None,
        name="创建全国县级文明城市三年行动",
        first_year=first_year,
        milestones=milestones,
        actor=actor,
        **PLAN,
    )


def test_the_campaign_figures_match_the_hand_count(tree):
    progress = campaigns.campaign_progress(make_campaign(), tree["banner"], TODAY)
    figures = [
        (y.year, y.state, y.units_assessed, y.units_meeting, y.share, y.units_needed)
        for y in progress.years
    ]
    assert figures == [
        (2024, YearState.NOT_MET, 4, 3, Decimal("0.75"), 1),  # ceil(0.8 × 4) - 3
        (2025, YearState.IN_PROGRESS, 4, 1, Decimal("0.25"), 3),
        (2026, YearState.NOT_STARTED, 0, 0, None, None),
    ]
    assert [y.attainment for y in progress.years] == [Decimal("0.9375"), Decimal("0.25"), 0]
    assert [y.contribution for y in progress.years] == [Decimal("0.1406"), Decimal("0.0625"), 0]
    assert progress.weighted_progress == Decimal("0.2031")


def test_a_year_past_its_milestone_is_met_and_counts_its_whole_weight_no_more(tree):
    campaign = make_campaign(milestones=[Decimal("0.5"), Decimal("1"), Decimal("1")])
    first = campaigns.campaign_progress(campaign, tree["banner"], TODAY).years[0]
    assert (first.state, first.attainment, first.contribution) == (
        YearState.MET,
        1,
        Decimal("0.15"),
    )


def test_a_zero_milestone_is_reached_and_a_missing_one_is_held_to_all_units(tree):
    campaign = make_campaign(milestones=[Decimal("0"), Decimal("1"), Decimal("1")])
    db.session.get(ComplianceSettings, 2025).milestone = None
    first, second, _ = campaigns.campaign_progress(campaign, tree["banner"], TODAY).years
    assert (first.state, first.attainment) == (YearState.MET, 1)
    assert (second.milestone, second.milestone_set, second.attainment) == (
        1,
        False,
        Decimal("0.25"),
    )


def test_a_subtree_counts_its_own_assessed_units_only(tree):
    # Below the town: the town itself (assessed, 3/3 then 2/3) and the village (not assessed).
    years = campaigns.campaign_progress(make_campaign(), tree["C"], TODAY).years
    assert [(y.units_meeting, y.units_assessed) for y in years[:2]] == [(1, 1), (0, 1)]


def test_a_campaign_not_yet_begun_runs_no_compliance_statement(tree, count_queries):
    campaign = make_campaign(first_year=2026)
    db.session.flush()
    with count_queries() as counted:
        progress = campaigns.campaign_progress(campaign, tree["banner"], TODAY)
    assert progress.weighted_progress == 0
    assert counted.statements <= 3  # the three years' targets, nothing per unit


def test_the_statements_do_not_grow_with_the_number_of_units(tree, count_queries):
    campaign = make_campaign()
    db.session.flush()

    def statements() -> int:
        db.session.expire_all()
        with count_queries() as counted:
            campaigns.campaign_progress(campaign, tree["banner"], TODAY)
        return counted.statements

    before = statements()
    for number in range(5):
        f.make_roster_entry(f.make_unit(f"E{number}", f"新单位{number}", tree["banner"]))
    assert statements() == before


# ---- the plan ------------------------------------------------------------------------


def test_the_default_plan_is_the_campaigns_15_25_60_with_milestones_80_100_100():
    plan = campaigns.default_plan(2018)
    assert [(y.year, y.weight, y.milestone) for y in plan] == [
        (2018, Decimal("0.15"), Decimal("0.80")),
        (2019, Decimal("0.25"), Decimal("1.00")),
        (2020, Decimal("0.60"), Decimal("1.00")),
    ]
    assert sum(y.weight for y in campaigns.default_plan(2018, 6)) == 1


def test_saving_a_campaign_writes_the_milestones_into_the_years_targets_and_audits(app):
    admin = f.make_admin()
    compliance.save_targets(
        2025,
        staff_target=Decimal("0.75"),
        party_target=Decimal("0.95"),
        count_probationary=False,
        min_minutes=120,
        milestone=None,
        actor=admin,
    )
    campaign = make_campaign(actor=admin)
    assert [(row.year, row.weight) for row in campaign.plan] == [
        (2024, Decimal("0.15")),
        (2025, Decimal("0.25")),
        (2026, Decimal("0.60")),
    ]
    kept = compliance.targets_for(2025)
    assert (kept.milestone, kept.staff_target, kept.min_minutes) == (1, Decimal("0.75"), 120)
    assert compliance.targets_for(2024).milestone == Decimal("0.8")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.create"))
    assert entry.actor_id == admin.id and entry.target_id == campaign.id
    assert entry.details["after"]["weights"] == "15% / 25% / 60%"
    assert entry.details["after"]["milestones"] == "80% / 100% / 100%"


def test_moving_a_campaign_keeps_one_row_per_year_and_audits_before_and_after(app):
    campaign = make_campaign()
    campaigns.save_campaign(
        campaign,
        name="三年行动",
        first_year=2025,
        weights=[Decimal("0.2"), Decimal("0.3"), Decimal("0.5")],
        milestones=MILESTONES,
        actor=None,
    )
    rows = db.session.scalars(select(CampaignYear).order_by(CampaignYear.year)).all()
    assert [(row.year, row.weight) for row in rows] == [
        (2025, Decimal("0.2")),
        (2026, Decimal("0.3")),
        (2027, Decimal("0.5")),
    ]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.update"))
    assert (entry.details["before"]["first_year"], entry.details["after"]["first_year"]) == (
        2024,
        2025,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"weights": [Decimal("0.15"), Decimal("0.25"), Decimal("0.50")]}, "plan"),
        ({"weights": [Decimal("1.15"), Decimal("0.25"), Decimal("-0.40")]}, "plan"),
        ({"milestones": [Decimal("1.2"), Decimal("1"), Decimal("1")]}, "plan"),
        ({"weights": [Decimal("0.09")] * 11 + [Decimal("0.01")]}, "years"),
        ({"first_year": 2099}, "first_year"),
    ],
)
def test_a_plan_that_cannot_be_a_campaign_is_refused_naming_the_field(app, changes, field):
    values = {"name": "三年行动", "first_year": 2024, "milestones": MILESTONES, **PLAN}
    values.update(changes)
    if "weights" in changes and len(changes["weights"]) != 3:
        values["milestones"] = [Decimal("1")] * len(changes["weights"])
    with pytest.raises(ServiceError) as refused:
        campaigns.save_campaign(None, actor=None, **values)
    assert refused.value.field == field
    assert db.session.scalar(select(Campaign)) is None


def test_the_weights_message_says_what_they_add_up_to(app):
    with pytest.raises(ServiceError, match="90"):
        campaigns.save_campaign(
            None,
            name="三年行动",
            first_year=2024,
            weights=[Decimal("0.15"), Decimal("0.25"), Decimal("0.50")],
            milestones=MILESTONES,
            actor=None,
        )


def test_two_campaigns_cannot_share_a_year_in_the_service_nor_in_the_database(app):
    first = make_campaign()
    with pytest.raises(DuplicateError) as refused:
        make_campaign(first_year=2026)
    assert refused.value.field == "first_year" and "2026" in refused.value.message
    make_campaign(first_year=2027)  # right after the first one ends
    second = Campaign(name="重叠", first_year=2026, years=1)
    db.session.add(second)
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(CampaignYear(campaign_id=second.id, year=2026, weight=1))
        db.session.flush()
    assert campaigns.campaign_for(2025) == first


def test_the_campaign_of_a_year_is_the_one_running_else_the_last_begun_else_the_first(app):
    early, late = make_campaign(2018), make_campaign(2024)
    assert campaigns.campaign_for(2019) == early
    assert campaigns.campaign_for(2022) == early  # between campaigns: the last one begun
    assert campaigns.campaign_for(2030) == late
    assert campaigns.campaign_for(2010) == early  # none begun yet: the first one


# ---- the printed page ----------------------------------------------------------------


def test_the_a4_report_is_one_page_with_the_banner_date_years_and_weighted_progress(tree):
    progress = campaigns.campaign_progress(make_campaign(), tree["banner"], TODAY)
    pdf = PdfReader(io.BytesIO(campaigns.report_pdf(progress, TODAY)))
    assert len(pdf.pages) == 1
    assert pdf.pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)  # A4 portrait
    text = pdf.pages[0].extract_text()
    for expected in (
        "创建全国县级文明城市三年行动",
        "乌审旗",
        "2025年6月30日",
        "75.0%",  # 2024: 3 of 4
        "25.0%",  # 2025: 1 of 4
        "未达成",
        "进行中",
        "未开始",
        "20.3%",  # the weighted progress, floored
        "加权进度 = Σ",
    ):
        assert expected in text, expected
