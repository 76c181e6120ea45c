"""The campaign page (per year: units meeting targets against the milestone, weighted progress),
its one-page A4 PDF, and the admins' campaign settings."""

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from volunteer.access import (
    ADMIN,
    ANY_COORDINATOR,
    LARGEST_ID,
    access,
    acting_user,
    admin_of,
    coordinator_of,
    first_coordinated_unit,
)
from volunteer.actions import service_action
from volunteer.campaign.forms import CampaignForm
from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.models import Campaign, Unit
from volunteer.services import campaign as campaigns
from volunteer.services import compliance, periods
from volunteer.services.compliance import snapshots
from volunteer.tasks import refreshes

bp = Blueprint("campaign", __name__, url_prefix="/campaign")


@bp.route("/")
@access(ANY_COORDINATOR)
def index():
    """Open the campaign page of the user's (first) subtree: the banner for the office."""
    unit = first_coordinated_unit()
    return redirect(url_for("campaign.progress", unit_id=unit.id, **_campaign_arg()))


@bp.route("/units/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def progress(unit: Unit):
    """Per campaign year: assessed units, units meeting targets, share against the milestone."""
    today = periods.local_today()
    campaign = _chosen_campaign(today.year)
    return render_template(
        "campaign/progress.html",
        unit=unit,
        campaign=campaign,
        progress=_progress(campaign, unit, today) if campaign else None,
        campaigns=campaigns.all_campaigns(),
        roots=compliance.roots_of(acting_user()),
        state_labels=campaigns.YEAR_STATE_LABELS,
        states=campaigns.YearState,
    )


@bp.route("/units/<int:unit_id>/report.pdf")
@access(coordinator_of(Unit, "unit_id", "unit"))
def report_pdf(unit: Unit):
    """The campaign page on one A4 page (PDF) for the office's report to its leaders."""
    today = periods.local_today()
    campaign = _chosen_campaign(today.year) or abort(404)
    data = campaigns.report_pdf(_progress(campaign, unit, today), today)
    filename = f"创建行动进展-{unit.name}-{today.isoformat()}.pdf"
    disposition = (
        f"attachment; filename=\"campaign-{today}.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": disposition})


def _progress(campaign, unit: Unit, today) -> campaigns.CampaignProgress:
    """The campaign's years from the compliance page's kept overviews (the same snapshots:
    a banner's year is computed once, not on every view of this page)."""

    def overview(root: Unit, period: periods.Period, targets) -> compliance.Report:
        return refreshes.served(
            snapshots.REPORT, root, period, acting_user(), targets=targets
        ).value

    return campaigns.campaign_progress(campaign, unit, today, overview)


def _campaign_arg() -> dict:
    """The campaign named in the query string, to carry on to the next page."""
    chosen = request.args.get("campaign", type=int)
    return {} if chosen is None else {"campaign": chosen}


def _chosen_campaign(year: int) -> Campaign | None:
    """The campaign named in the query string (404 if none such), else the one of `year`."""
    chosen = request.args.get("campaign", type=int)
    if chosen is None:
        return campaigns.campaign_for(year)
    campaign = db.session.get(Campaign, chosen) if 0 < chosen <= LARGEST_ID else None
    return campaign or abort(404)


# ---- settings (admins) ---------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@access(ADMIN)
def settings():
    """Every campaign, and a new one with the plan's weights (15/25/60%) filled in."""
    plan = campaigns.default_plan(periods.local_today().year)
    return _campaign_form(None, CampaignForm(data=CampaignForm.data_for("", plan)))


@bp.route("/settings/<int:campaign_id>", methods=["GET", "POST"])
@access(admin_of(Campaign, "campaign_id", "campaign"))
def edit(campaign: Campaign):
    """Change a campaign's name, years, weights and milestones."""
    plan = campaigns.plan_of(campaign)
    return _campaign_form(campaign, CampaignForm(data=CampaignForm.data_for(campaign.name, plan)))


def _campaign_form(campaign: Campaign | None, form: CampaignForm):
    """Save a valid form whose rows match its years; a changed number of years adds rows."""
    if form.validate_on_submit():
        if form.fit_plan_to_years():
            flash(_("Set the weight and milestone of each year, then save."), "info")
        else:
            with service_action(form, success=_("Campaign saved."), default_field="name") as done:
                saved = campaigns.save_campaign(campaign, **form.submitted(), actor=acting_user())
            if done.ok:
                return redirect(url_for("campaign.edit", campaign_id=saved.id))
    return render_template(
        "campaign/settings.html",
        form=form,
        campaign=campaign,
        campaigns=campaigns.all_campaigns(),
    )
