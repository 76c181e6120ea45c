"""Reminder lists on the compliance blueprint: the ready text and the lists for an SMS platform.

The page shows one form per list (not registered; registered without enough
hours), each with its ready text to edit, a preview for one person and the
exports. An export is a background job (tasks.reminder_lists): one unit's list, or every
unit's below it in one file. Nothing is sent from here: see services.reminders.
"""

from dataclasses import dataclass

from flask import abort, redirect, render_template, url_for

from volunteer import tasks
from volunteer.access import access, acting_user, coordinator_of
from volunteer.compliance.forms import ReminderForm
from volunteer.compliance.routes import _period, _period_args, _queued, bp
from volunteer.models import Unit
from volunteer.printing import posters
from volunteer.printing.output import public_base_url
from volunteer.services import compliance, periods, reminders, units
from volunteer.services.compliance import Missing, MissingPerson
from volunteer.tasks import reminder_lists

KINDS = {kind.value: kind for kind in Missing}


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
    """Preview the edited text, or queue one list as xlsx or CSV (made and audited by a job)."""
    if kind not in KINDS:
        abort(404)
    form = ReminderForm(prefix=kind)
    file_format = form.file_format()
    if not form.validate_on_submit():
        return _render(unit, {kind: form}), 422
    if file_format is None:
        return _render(unit, {kind: form})
    asked = reminders.ReminderRequest(
        KINDS[kind],
        form.message.data,
        _period(),
        file_format,
        bool(form.full_numbers.data),
        bool(form.subtree.data),
    )
    params = reminder_lists.list_params(unit, asked, site_link(), public_base_url())
    # The same list already being made is shown rather than made twice.
    job = tasks.active_job(acting_user(), tasks.REMINDER_LIST, params)
    return redirect(url_for("jobs.show", job_id=(job or _queued(tasks.REMINDER_LIST, params)).id))


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
        has_children=units.has_active_children(unit),
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
