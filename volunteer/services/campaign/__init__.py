"""The multi-year campaign (issue 16): its years and weights, and its progress.

- `plan`: a campaign's name, years and year weights (15/25/60% by default), saved with the
  years' milestones, which live in each year's ComplianceSettings (`compliance.targets`).
- `progress`: per year, the assessed units meeting targets against the milestone, and the
  weighted progress Σ weight × min(1, share meeting ÷ milestone).
- `printing`: the one-page A4 report (via `documents.campaign`).
"""

from volunteer.services.campaign.plan import (
    DEFAULT_YEARS,
    MAX_YEARS,
    PlanYear,
    all_campaigns,
    campaign_for,
    default_plan,
    plan_of,
    save_campaign,
)
from volunteer.services.campaign.printing import report_pdf
from volunteer.services.campaign.progress import (
    YEAR_STATE_LABELS,
    CampaignProgress,
    YearProgress,
    YearState,
    campaign_progress,
)

__all__ = [
    "DEFAULT_YEARS",
    "MAX_YEARS",
    "YEAR_STATE_LABELS",
    "CampaignProgress",
    "PlanYear",
    "YearProgress",
    "YearState",
    "all_campaigns",
    "campaign_for",
    "campaign_progress",
    "default_plan",
    "plan_of",
    "report_pdf",
    "save_campaign",
]
