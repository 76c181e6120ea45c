"""Reminder lists as background jobs: one unit's list, or a whole subtree's in one file.

A banner office chasing every unit at once exports the missing people of all the units below
it, each person with their own unit's ready text (its figures and registration link): one
rollup and one missing-people query over the subtree, then a file of thousands of rows.
"""

from typing import Any, BinaryIO

from volunteer.i18n import gettext as _
from volunteer.models import Unit
from volunteer.printing import posters
from volunteer.services import compliance, periods, reminders
from volunteer.tasks.compliance_export import coordinated_unit, period_of, period_params

JOB_KIND = "reminder_list"
STEPS = 2  # the units' texts, the list
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# File names stay in Chinese, as the other exports' do.
FILE_LABELS = {"not_registered": "未注册", "no_hours": "未录入时长"}


def list_params(
    unit: Unit, asked: reminders.ReminderRequest, site_link: str, base_url: str
) -> dict[str, Any]:
    """What a reminder-list job keeps: the unit, the list, the text, the file and the links
    (the worker has no request to read the site's address from)."""
    return {
        "unit_id": unit.id,
        "unit_name": unit.name,
        "kind": asked.kind.value,
        "message": asked.message,
        "file_format": asked.file_format,
        "full": asked.full,
        "subtree": asked.subtree,
        "site_link": site_link,
        "base_url": base_url,
        **period_params(asked.period),
    }


def list_title(params: dict[str, Any]) -> str:
    """The job page's title: the list, the unit (and all below) and the year."""
    below = _(" and all units below") if params["subtree"] else ""
    label = compliance.MISSING_LABELS[compliance.Missing(params["kind"])]
    return f"{label} · {params['unit_name']}{below} · {params['year']}"


def list_filename(job_id: int, params: dict[str, Any]) -> str:
    """The file's name, as the in-request export named it (with the subtree marked)."""
    below = "-全部下级" if params["subtree"] else ""
    label = FILE_LABELS[params["kind"]]
    return f"短信提醒-{label}-{params['unit_name']}{below}-{params['year']}.{params['file_format']}"


def content_type(params: dict[str, Any]) -> str:
    """Excel or CSV, as asked."""
    return CONTENT_TYPES[params["file_format"]]


def write_list(params: dict[str, Any], actor_id: int | None, out: BinaryIO, progress: Any) -> None:
    """Write the list (audited by the service) into `out`."""
    unit, actor = coordinated_unit(params, actor_id)
    asked = _request(params)
    progress(0, STEPS)
    texts = _texts_below(unit, asked, params) if asked.subtree else {}
    progress(1, STEPS)
    out.write(reminders.export_reminders(unit, asked, actor, texts))
    progress(2, STEPS)


def _request(params: dict[str, Any]) -> reminders.ReminderRequest:
    """The export asked for, from the job's parameters."""
    return reminders.ReminderRequest(
        compliance.Missing(params["kind"]),
        params["message"],
        period_of(params),
        params["file_format"],
        params["full"],
        params["subtree"],
    )


def _texts_below(
    unit: Unit, asked: reminders.ReminderRequest, params: dict[str, Any]
) -> dict[int, str]:
    """Every unit's ready text of the list, with its own figures and registration link."""
    targets, today = compliance.targets_for(asked.period.year), periods.local_today()
    year, site_link = asked.period.year, params["site_link"]

    def facts_for(row: compliance.UnitRow) -> reminders.UnitFacts:
        link = posters.registration_url(row.unit_id, params["base_url"])
        return reminders.UnitFacts(row.name, row.figures, targets, year, today, link, site_link)

    return reminders.unit_texts(unit, asked.kind, asked.period, facts_for)
