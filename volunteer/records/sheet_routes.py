"""A whole paper sign-in sheet for an activity: paste or upload, preview matches, confirm."""

from flask import Response, redirect, render_template, url_for

from volunteer.access import access, acting_user
from volunteer.actions import service_action
from volunteer.documents.paper_sheet import sheet_results_csv
from volunteer.i18n import gettext as _
from volunteer.models import Activity, utcnow
from volunteer.records.routes import ORGANIZER_OF_ACTIVITY, bp
from volunteer.records.sheet_forms import PaperSheetForm
from volunteer.services import paper_sheets


@bp.route("/activities/<int:activity_id>/sheet", methods=["GET", "POST"])
@access(ORGANIZER_OF_ACTIVITY)
def paper_sheet(activity: Activity):
    """Check the sheet and show who matched; on confirm add every row or none."""
    form, sheet = PaperSheetForm(), None
    if form.validate_on_submit():
        with service_action(form, default_field="text") as outcome:
            form.text.data = paper_sheets.sheet_text(form.text.data, form.file.data)
            sheet = paper_sheets.check_sheet(form.text.data, activity)
        if outcome.ok and form.confirming():
            return _confirmed(activity, form, sheet)
    return render_template("records/sheet.html", activity=activity, form=form, sheet=sheet)


def _confirmed(activity: Activity, form: PaperSheetForm, sheet: paper_sheets.Sheet):
    """Add the rows; on any refusal show the rows again with what was wrong."""
    done = _("%(count)s records added from the sheet.", count=len(sheet.rows))
    with service_action(success=done, show_error=False) as outcome:
        paper_sheets.add_sheet(activity, sheet, form.reason.data, acting_user(), utcnow())
    if outcome.ok:
        return redirect(url_for("records.activity_records", activity_id=activity.id))
    failed = getattr(outcome.error, "sheet", sheet)
    return render_template(
        "records/sheet.html", activity=activity, form=form, sheet=failed, refused=outcome.error
    ), 422


@bp.route("/activities/<int:activity_id>/sheet/results.csv", methods=["POST"])
@access(ORGANIZER_OF_ACTIVITY)
def paper_sheet_results(activity: Activity):
    """The checked rows as CSV (who matched, what was wrong), to correct the sheet with."""
    form, sheet = PaperSheetForm(), None
    if form.validate_on_submit():
        with service_action(form, default_field="text"):
            sheet = paper_sheets.check_sheet(form.text.data or "", activity)
    if sheet is None:
        return redirect(url_for("records.paper_sheet", activity_id=activity.id))
    text = sheet_results_csv(paper_sheets.sheet_results(sheet, _("Ready")))
    disposition = f"attachment; filename=sheet-{activity.id}-results.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": disposition})
