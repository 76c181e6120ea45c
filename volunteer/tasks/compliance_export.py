"""The whole-tree compliance workbook (or the CSV table) as a background job.

The workbook of a unit and everything below it, with every unit's missing people, is one
rollup statement and one missing-people query over the subtree, then a workbook of
thousands of rows: at province scale far too long for a request, so the export page
queues it and the person downloads it from the job's page, on whichever host. The missing
people are streamed from the database into the workbook, a unit's sheet at a time, and the
workbook is written straight into the job's file: the job's memory does not grow with the
tree (issue 15).
"""

import time
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, BinaryIO, TypeVar

from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.models import Unit, User
from volunteer.services import compliance, periods, permissions
from volunteer.services.errors import PermissionDenied
from volunteer.services.periods import Period
from volunteer.tasks.progress import Progress

JOB_KIND = "compliance_export"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
STEPS = 3  # the rollup, the pace, the missing people streamed into the workbook
KEEP_ALIVE_SECONDS = 60  # a heartbeat while the people stream; well inside JOB_ABANDONED_MINUTES
Row = TypeVar("Row")


def export_params(
    unit: Unit, period: Period, full: bool, pace_days: int, file_format: str = "xlsx"
) -> dict[str, Any]:
    """What a whole-tree export job keeps: the unit, the period, full numbers or masked, the
    days the pace projection is read from, and the file (the workbook, or the CSV table)."""
    return {
        "format": file_format,
        "pace_days": pace_days,
        "unit_id": unit.id,
        "unit_name": unit.name,
        "full": full,
        **period_params(period),
    }


def period_params(period: Period) -> dict[str, Any]:
    """A period as a job keeps it."""
    return {
        "year": period.year,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "calendar_year": period.is_calendar_year(),
    }


def export_title(params: dict[str, Any]) -> str:
    """The job page's title: the unit and the period."""
    return f"{params['unit_name']} {params['start']} – {params['end']}"


def export_filename(job_id: int, params: dict[str, Any]) -> str:
    """The file's name, as the in-request export named it."""
    name = f"达标情况-{params['unit_name']}-{params['start']}-{params['end']}"
    return f"{name}.{_format(params)}"


def content_type(params: dict[str, Any]) -> str:
    """The workbook's, or the CSV table's."""
    return CSV if _format(params) == "csv" else XLSX


def _format(params: dict[str, Any]) -> str:
    """The file asked for (jobs queued before the CSV became a job are workbooks)."""
    return params.get("format", "xlsx")


def write_export(
    params: dict[str, Any], actor_id: int | None, out: BinaryIO, progress: Progress
) -> None:
    """Write the compliance table and every unit's missing people of the subtree into `out`."""
    unit, _actor = coordinated_unit(params, actor_id)
    period = period_of(params)
    if _format(params) == "csv":
        _write_csv(unit, period, out, progress)
        return
    progress(0, STEPS)
    report = compliance.compliance_report(unit, period)
    progress(1, STEPS)
    projection = compliance.compliance_pace(
        unit, period, report.targets, periods.local_today(), params["pace_days"]
    )
    progress(2, STEPS)
    # No progress counts while the people stream (recording them commits, which would close
    # the server-side cursor they come from), but a heartbeat: a province's list takes minutes.
    missing = kept_alive(
        compliance.stream_missing_people(unit, period, report.targets, subtree=True), progress
    )
    compliance.report_xlsx(out, report, missing, params["full"], projection)
    progress(3, STEPS)


def kept_alive(rows: Iterable[Row], progress: Progress) -> Iterator[Row]:
    """`rows`, with the job's heartbeat kept every KEEP_ALIVE_SECONDS while they are read, so
    the maintenance round does not take a long read for a lost worker and run the job twice."""
    last = time.monotonic()
    for row in rows:
        yield row
        if time.monotonic() - last >= KEEP_ALIVE_SECONDS:
            progress.keep_alive()
            last = time.monotonic()


def coordinated_unit(params: dict[str, Any], actor_id: int | None) -> tuple[Unit, User]:
    """A unit job's unit and the person who queued it, who must still coordinate it (they may
    have lost the unit since queueing the job)."""
    unit = db.session.get(Unit, params["unit_id"])
    actor = db.session.get(User, actor_id) if actor_id else None
    if unit is None or actor is None or not permissions.can_coordinate(actor, unit):
        raise PermissionDenied(_("You no longer coordinate this unit."))
    return unit, actor


def _write_csv(unit: Unit, period: Period, out: BinaryIO, progress: Any) -> None:
    """The table alone in the columns reported upward (UTF-8 with a BOM, for Excel)."""
    progress(0, 1)
    report = compliance.compliance_report(unit, period)
    out.write(("\ufeff" + compliance.report_csv(report)).encode("utf-8"))
    progress(1, 1)


def period_of(params: dict[str, Any]) -> Period:
    """The period a job was asked for."""
    if params["calendar_year"]:
        return periods.year_period(params["year"])
    start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    return periods.make_period(params["year"], start, end)
