"""The campaign report as one printable A4 page (documents.campaign), from a progress."""

from datetime import date

from flask import current_app

from volunteer.documents import campaign as campaign_document
from volunteer.services.campaign.progress import CampaignProgress, YearProgress, YearState
from volunteer.services.certificates import issuer_settings


def report_pdf(progress: CampaignProgress, printed_on: date) -> bytes:
    """The per-year table and weighted progress of `progress`, printed on `printed_on`."""
    sheet = campaign_document.CampaignSheet(
        campaign_name=progress.campaign.name,
        unit_name=progress.root.name,
        printed_on=printed_on,
        years=[_line(year) for year in progress.years],
        weighted_progress=progress.weighted_progress,
        issuer=issuer_settings()["organization"] or "",
    )
    font_path = current_app.config.get("CERTIFICATE_FONT_PATH")
    return campaign_document.render_campaign_report(sheet, font_path)


def _line(year: YearProgress) -> campaign_document.CampaignYearLine:
    begun = year.state != YearState.NOT_STARTED
    return campaign_document.CampaignYearLine(
        year=year.year,
        ordinal=year.ordinal,
        weight=year.weight,
        staff_target=year.targets.staff_target,
        party_target=year.targets.party_target,
        milestone=year.milestone,
        milestone_set=year.milestone_set,
        state=str(year.state),
        units_assessed=year.units_assessed if begun else None,
        units_meeting=year.units_meeting if begun else None,
        share=year.share,
        contribution=year.contribution,
    )
