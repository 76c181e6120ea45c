"""A campaign's plan: its name, its consecutive years, each year's weight and milestone.

Weights are stored on the campaign's years; milestones are saved into each year's
ComplianceSettings through `compliance.save_targets`, so the compliance page and the
campaign page read the same milestone. A year belongs to one campaign at most.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Campaign, CampaignYear, User
from volunteer.services import compliance, periods
from volunteer.services.audit import record_audit
from volunteer.services.errors import DuplicateError, ServiceError

DEFAULT_YEARS = 3
MAX_YEARS = 10
# The plan's year weights (15/25/60%); year 1 aims for 80% of units meeting targets and the
# later years for all of them (DOMAIN.md "Where this comes from").
DEFAULT_WEIGHTS = (Decimal("0.15"), Decimal("0.25"), Decimal("0.60"))
FIRST_MILESTONE, LATER_MILESTONE = Decimal("0.80"), Decimal("1.00")
SHARE_PLACES = Decimal("0.0001")
WHOLE = Decimal(1)


@dataclass(frozen=True)
class PlanYear:
    """One year of a campaign: its weight in the total score and its milestone (shares)."""

    year: int
    weight: Decimal
    milestone: Decimal | None


def default_plan(first_year: int, years: int = DEFAULT_YEARS) -> list[PlanYear]:
    """The plan's weights (15/25/60% for three years, else equal shares) and milestones."""
    weights = DEFAULT_WEIGHTS if years == len(DEFAULT_WEIGHTS) else _equal_weights(years)
    return [
        PlanYear(first_year + index, weight, FIRST_MILESTONE if index == 0 else LATER_MILESTONE)
        for index, weight in enumerate(weights)
    ]


def _equal_weights(years: int) -> list[Decimal]:
    """Equal shares floored to 0.01%, the remainder on the last (decisive) year."""
    share = (WHOLE / years).quantize(SHARE_PLACES, rounding=ROUND_DOWN)
    return [share] * (years - 1) + [WHOLE - share * (years - 1)]


def plan_of(campaign: Campaign) -> list[PlanYear]:
    """The campaign's years with their weights and the milestones saved for them."""
    return [
        PlanYear(row.year, Decimal(row.weight), compliance.targets_for(row.year).milestone)
        for row in sorted(campaign.plan, key=lambda row: row.year)
    ]


def all_campaigns() -> list[Campaign]:
    """Every campaign, the latest first."""
    return list(db.session.scalars(select(Campaign).order_by(Campaign.first_year.desc())))


def campaign_for(year: int) -> Campaign | None:
    """The campaign running in `year` (else the last one begun before it, else the first)."""
    begun = db.session.scalar(
        select(Campaign).where(Campaign.first_year <= year).order_by(Campaign.first_year.desc())
    )
    return begun or db.session.scalar(select(Campaign).order_by(Campaign.first_year))


def save_campaign(
    campaign: Campaign | None,
    *,
    name: str,
    first_year: int,
    weights: Sequence[Decimal],
    milestones: Sequence[Decimal],
    actor: User | None,
) -> Campaign:
    """Create (campaign None) or change a campaign, its year weights and milestones (audited)."""
    name = (name or "").strip()
    _check_plan(name, first_year, weights, milestones)
    plan = [
        PlanYear(first_year + index, _share(weight), _share(milestone))
        for index, (weight, milestone) in enumerate(zip(weights, milestones, strict=True))
    ]
    _check_weights_total(plan)
    _refuse_taken_years(campaign, plan)
    before = _snapshot(campaign) if campaign is not None else None
    campaign = campaign or Campaign()
    campaign.name, campaign.first_year, campaign.years = name, first_year, len(plan)
    campaign.updated_by_id = actor.id if actor is not None else None
    _set_years(campaign, plan)
    _save_milestones(plan, actor)
    action = "campaign.create" if before is None else "campaign.update"
    record_audit(actor, action, campaign, before=before, after=_snapshot(campaign))
    return campaign


def _share(value: Decimal) -> Decimal:
    return Decimal(value).quantize(SHARE_PLACES)


def _check_plan(
    name: str, first_year: int, weights: Sequence[Decimal], milestones: Sequence[Decimal]
) -> None:
    """Raise a ServiceError naming the field when the plan cannot be a campaign."""
    if not name:
        raise ServiceError(_l("Enter the campaign's name."), "name")
    if not 1 <= len(weights) <= MAX_YEARS or len(milestones) != len(weights):
        raise ServiceError(
            _l("A campaign lasts from 1 to %(most)s years.", most=MAX_YEARS), "years"
        )
    if not periods.FIRST_YEAR <= first_year <= periods.LAST_YEAR - len(weights) + 1:
        message = _l(
            "The campaign's years must lie between %(first)s and %(last)s.",
            first=periods.FIRST_YEAR,
            last=periods.LAST_YEAR,
        )
        raise ServiceError(message, "first_year")
    if any(not 0 <= Decimal(value) <= 1 for value in (*weights, *milestones)):
        raise ServiceError(_l("Weights and milestones are shares from 0% to 100%."), "plan")


def _check_weights_total(plan: list[PlanYear]) -> None:
    total = sum((year.weight for year in plan), Decimal(0))
    if total != WHOLE:
        shown = f"{(total * 100).normalize():f}"
        message = _l("The year weights must add up to 100%% (now %(total)s%%).", total=shown)
        raise ServiceError(message, "plan")


def _refuse_taken_years(campaign: Campaign | None, plan: list[PlanYear]) -> None:
    """A year's milestone is the year's own: two campaigns cannot share a year."""
    query = (
        select(CampaignYear.year, Campaign.name)
        .join(Campaign)
        .where(CampaignYear.year.in_([year.year for year in plan]))
        .order_by(CampaignYear.year)
    )
    if campaign is not None and campaign.id is not None:
        query = query.where(CampaignYear.campaign_id != campaign.id)
    if (taken := db.session.execute(query).first()) is not None:
        message = _l(
            "%(year)s already belongs to the campaign “%(name)s”.", year=taken.year, name=taken.name
        )
        raise DuplicateError(message, "first_year")


def _set_years(campaign: Campaign, plan: list[PlanYear]) -> None:
    """Keep the years still in the plan, drop the others, add the new ones, set weights."""
    wanted = {year.year: year.weight for year in plan}
    db.session.add(campaign)
    campaign.plan = [row for row in campaign.plan if row.year in wanted]
    db.session.flush()  # dropped years are gone before any year is added
    kept = {row.year: row for row in campaign.plan}
    for year, weight in wanted.items():
        if year in kept:
            kept[year].weight = weight
        else:
            campaign.plan.append(CampaignYear(year=year, weight=weight))
    db.session.flush()


def _save_milestones(plan: list[PlanYear], actor: User | None) -> None:
    """Write each changed milestone into its year's targets, keeping the other targets."""
    for year in plan:
        targets = compliance.targets_for(year.year)
        if targets.saved and targets.milestone == year.milestone:
            continue
        compliance.save_targets(
            year.year,
            staff_target=targets.staff_target,
            party_target=targets.party_target,
            count_probationary=targets.count_probationary,
            min_minutes=targets.min_minutes,
            milestone=year.milestone,
            actor=actor,
        )


def _percents(values: Sequence[Decimal | None]) -> str:
    """15% / 25% / 60%: shares as the audit log shows them."""
    return " / ".join("—" if v is None else f"{(Decimal(v) * 100).normalize():f}%" for v in values)


def _snapshot(campaign: Campaign) -> dict:
    plan = plan_of(campaign)
    return {
        "name": campaign.name,
        "first_year": campaign.first_year,
        "years": campaign.years,
        "weights": _percents([year.weight for year in plan]),
        "milestones": _percents([year.milestone for year in plan]),
    }
