"""Reminder lists on the compliance blueprint: the ready text and the lists for an SMS platform.

The page shows one form per list (not registered; registered without enough
hours), each with its ready text to edit, a preview for one person and the
exports. Nothing is sent from here: see services.reminders.
"""

from dataclasses import dataclass

from flask import abort, render_template, url_for

from volunteer.access import access, acting_user, coordinator_of
from volunteer.actions import service_action
from volunteer.compliance.forms import ReminderForm
from volunteer.compliance.routes import XLSX, _download, _period, _period_args, bp
from volunteer.models import Unit
from volunteer.printing import posters
from volunteer.printing.output import public_base_url
from volunteer.services import compliance, periods, reminders
from volunteer.services.compliance import Missing, MissingPerson

KINDS = {kind.value: kind for kind in Missing}
MIMETYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
# File names stay in Chinese, as the other exports' do.
FILE_LABELS = {Missing.NOT_REGISTERED: "未注册", Missing.NO_HOURS: "未录入时长"}


def registration_link(unit: Unit) -> str:
    """The unit's own registration URL (as on its poster): registering files people under it."""
    return posters.registration_url(unit.id)


def site_link() -> str:
    """The site's home page, where a registered person signs in and finds activities."""
    return public_base_url() + url_for("main.index")


@dataclass(frozen=True)
class ReminderList:
    """One list on the page: its form, how many people, how many can be texted, a preview."""

    kind: Missing
    form: ReminderForm
    people: int
    with_phone: int
    preview: str
    parts: int


@bp.route("/units/<int:unit_id>/reminders")
@access(coordinator_of(Unit, "unit_id", "unit"))
def reminders_page(unit: Unit):
    """The ready texts for a unit's missing people and the lists to export for an SMS platform."""
    return _render(unit, {})


@bp.route("/units/<int:unit_id>/reminders/<kind>", methods=["POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def reminder_export(unit: Unit, kind: str):
    """Preview the edited text, or export one list as xlsx or CSV (audited)."""
    if kind not in KINDS:
        abort(404)
    form = ReminderForm(prefix=kind)
    file_format = form.file_format()
    if not form.validate_on_submit():
        return _render(unit, {kind: form}), 422
    if file_format is None:
        return _render(unit, {kind: form})
    period = _period()
    asked = reminders.ReminderRequest(
        KINDS[kind], form.message.data, period, file_format, bool(form.full_numbers.data)
    )
    with service_action(form) as outcome:
        data = reminders.export_reminders(unit, asked, acting_user())
    if not outcome.ok:
        return _render(unit, {kind: form}), 422
    name = f"短信提醒-{FILE_LABELS[KINDS[kind]]}-{unit.name}-{period.year}.{file_format}"
    return _download(data, name, MIMETYPES[file_format])


def _render(unit: Unit, submitted: dict[str, ReminderForm]):
    """The page, with a submitted form (edited text, errors) kept in place of its default."""
    period = _period()
    targets = compliance.targets_for(period.year)
    people = compliance.missing_people(unit, period, targets)
    figures = reminders.unit_figures(unit, period, targets)
    facts = reminders.UnitFacts(
        unit.name,
        figures,
        targets,
        period.year,
        periods.local_today(),
        registration_link(unit),
        site_link(),
    )
    lists = [_list(kind, people, facts, submitted.get(kind.value)) for kind in Missing]
    return render_template(
        "compliance/reminders.html",
        unit=unit,
        period=period,
        period_args=_period_args(period),
        figures=figures,
        targets=targets,
        lists=lists,
        labels=compliance.MISSING_LABELS,
    )


def _list(
    kind: Missing, people: list[MissingPerson], facts: reminders.UnitFacts, form
) -> ReminderList:
    """One list's form (the ready text unless one was submitted) and its preview."""
    if form is None:
        message = reminders.default_message(kind, facts)
        form = ReminderForm(prefix=kind.value, formdata=None, data={"message": message})
    listed = [person for person in people if person.reason == kind]
    texted = reminders.reachable(people, kind)
    sample = (texted or listed or [None])[0]
    preview = reminders.personal_message(
        form.message.data or "", sample.name if sample else reminders.NAME_PLACEHOLDER
    )
    return ReminderList(kind, form, len(listed), len(texted), preview, reminders.sms_parts(preview))
