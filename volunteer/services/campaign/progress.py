"""A campaign's progress in a subtree: per year, the units meeting targets against the milestone.

Per year of the campaign, over the subtree's assessed units (参与考核; an assessed unit
without a roster is not meeting), from `compliance.compliance_report` for that calendar year:

- share meeting = units meeting targets ÷ assessed units (floored to 0.01%);
- attainment = min(1, share meeting ÷ milestone) (1 when the milestone is 0%; 0 with no
  assessed units); a year without a saved milestone is held to 100%;
- weighted progress = Σ over the years of weight × attainment (each term floored).

A year not yet begun attains 0; the current year counts what it has reached so far and is
"in progress"; a past year has met or not met its milestone.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Campaign, Unit
from volunteer.services import compliance, periods
from volunteer.services.compliance import Targets

SHARE_PLACES = Decimal("0.0001")
NONE, WHOLE = Decimal(0), Decimal(1)


class YearState(enum.StrEnum):
    """Where a campaign year stands against its milestone."""

    MET = "met"
    NOT_MET = "not_met"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


YEAR_STATE_LABELS = {
    YearState.MET: _l("Milestone met"),
    YearState.NOT_MET: _l("Milestone not met"),
    YearState.IN_PROGRESS: _l("In progress"),
    YearState.NOT_STARTED: _l("Not started"),
}


@dataclass(frozen=True)
class YearProgress:
    """One campaign year: its weight, targets, units meeting them and what it adds up to."""

    year: int
    ordinal: int  # 1 for the campaign's first year
    weight: Decimal
    targets: Targets
    state: YearState
    units_assessed: int = 0
    units_meeting: int = 0
    share: Decimal | None = None
    attainment: Decimal = NONE
    contribution: Decimal = NONE

    @property
    def milestone(self) -> Decimal:
        """The year's milestone; a year without one is held to all units meeting targets."""
        return WHOLE if self.targets.milestone is None else self.targets.milestone

    @property
    def milestone_set(self) -> bool:
        return self.targets.milestone is not None

    @property
    def units_needed(self) -> int | None:
        """More units that must meet targets to reach the milestone (None before the year)."""
        if self.state == YearState.NOT_STARTED:
            return None
        return compliance.needs(self.milestone, self.units_assessed, self.units_meeting)


@dataclass(frozen=True)
class CampaignProgress:
    """The campaign seen from one unit's subtree on one day."""

    campaign: Campaign
    root: Unit
    today: date
    years: list[YearProgress]

    @property
    def weighted_progress(self) -> Decimal:
        """Σ weight × min(1, share meeting ÷ milestone) over the campaign's years."""
        return sum((year.contribution for year in self.years), NONE)


# How a year's report is had: computed (the default), or kept (the page passes the snapshots').
ReportFor = Callable[[Unit, periods.Period, compliance.Targets], compliance.Report]


def campaign_progress(
    campaign: Campaign, root: Unit, today: date, report_for: ReportFor | None = None
) -> CampaignProgress:
    """Each year's units meeting targets in `root`'s subtree, and the weighted progress."""
    plan = sorted(campaign.plan, key=lambda row: row.year)
    report_for = report_for or compliance.compliance_report
    years = [
        _year_progress(row.year, index, Decimal(row.weight), root, today, report_for)
        for index, row in enumerate(plan, start=1)
    ]
    return CampaignProgress(campaign=campaign, root=root, today=today, years=years)


def _year_progress(
    year: int, ordinal: int, weight: Decimal, root: Unit, today: date, report_for: ReportFor
) -> YearProgress:
    """One year's figures; a year not yet begun runs no query for its figures."""
    targets = compliance.targets_for(year)
    if year > today.year:
        return YearProgress(year, ordinal, weight, targets, YearState.NOT_STARTED)
    report = report_for(root, periods.year_period(year), targets)
    progress = YearProgress(
        year,
        ordinal,
        weight,
        targets,
        YearState.IN_PROGRESS,
        units_assessed=report.units_assessed,
        units_meeting=report.units_meeting,
        share=report.meeting_share,
    )
    attainment = _attainment(progress.share, progress.milestone)
    return replace(
        progress,
        state=_state(progress, today),
        attainment=attainment,
        contribution=_floor(weight * attainment),
    )


def _attainment(share: Decimal | None, milestone: Decimal) -> Decimal:
    """min(1, share ÷ milestone), floored; 1 for a 0% milestone, 0 with no assessed unit."""
    if share is None:
        return NONE
    if milestone == 0:
        return WHOLE
    return min(WHOLE, _floor(share / milestone))


def _state(progress: YearProgress, today: date) -> YearState:
    if progress.year == today.year:
        return YearState.IN_PROGRESS
    reached = progress.share is not None and progress.share >= progress.milestone
    return YearState.MET if reached else YearState.NOT_MET


def _floor(value: Decimal) -> Decimal:
    return value.quantize(SHARE_PLACES, rounding=ROUND_DOWN)
