"""The kinds of background job: what each one writes, and how its pages name it.

A kind's `write(params, actor_id, out, progress)` writes the job's file into `out` (a scratch
file the runner keeps in the database afterwards) and calls `progress(done, total)` after
each step, and `progress.keep_alive()` during a long step that must not commit; it may
commit (a certificate batch issues and commits chunk by chunk). What it returns, when a
dict, is kept as the job's outcome for the page the finished job lands on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from volunteer.i18n import lazy_gettext as _l
from volunteer.printing import batches
from volunteer.tasks import (
    compliance_export,
    compliance_refresh,
    reminder_lists,
    roster_jobs,
    unit_posters,
)
from volunteer.tasks.progress import Progress

Writer = Callable[[dict[str, Any], int | None, BinaryIO, Progress], Any]

CERTIFICATE_BATCH = batches.JOB_KIND
COMPLIANCE_EXPORT = compliance_export.JOB_KIND
COMPLIANCE_REFRESH = compliance_refresh.JOB_KIND
REMINDER_LIST = reminder_lists.JOB_KIND
UNIT_POSTERS = unit_posters.JOB_KIND
ROSTER_CHECK = roster_jobs.CHECK_KIND
ROSTER_IMPORT = roster_jobs.IMPORT_KIND
Landing = Callable[[int, dict[str, Any]], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its writer, its file, and the words of its progress page."""

    name: str
    write: Writer
    title: Callable[[dict[str, Any]], str]
    filename: Callable[[int, dict[str, Any]], str]
    content_type: Callable[[dict[str, Any]], str]
    heading: Any  # lazy text: the page the job was started from
    back: Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]  # (endpoint, its arguments)
    running_text: Any  # lazy text with %(done)s and %(total)s
    done_text: Any  # lazy text with %(count)s
    keeps_file: bool = True  # False: the job's work is in the database (a report refresh)
    # Where a finished job's page goes on its own (endpoint, arguments), as a roster check
    # goes to its preview; None: the page stays, with the download.
    landing: Landing | None = None


def _roster_back(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The roster page a check job was started from (the many-units page for a workbook)."""
    if params["unit_id"] is None:
        return "compliance.batch", {}
    return "compliance.roster", {"unit_id": params["unit_id"]}


def _write_batch(params: dict[str, Any], actor_id: int | None, out: BinaryIO, progress: Progress):
    return batches.write_batch(params, actor_id, out, params["base_url"], progress)


KINDS = {
    kind.name: kind
    for kind in (
        JobKind(
            name=CERTIFICATE_BATCH,
            write=_write_batch,
            title=batches.batch_title,
            filename=lambda job_id, params: f"志愿服务记录证明-批量-{job_id}.pdf",
            content_type=lambda params: "application/pdf",
            heading=_l("Batch printing"),
            back=lambda params: ("certificates.batch", {}),
            running_text=_l("%(done)s of %(total)s certificates prepared…"),
            done_text=_l("Done: %(count)s certificates."),
        ),
        JobKind(
            name=COMPLIANCE_EXPORT,
            write=compliance_export.write_export,
            title=compliance_export.export_title,
            filename=compliance_export.export_filename,
            content_type=compliance_export.content_type,
            heading=_l("Compliance"),
            back=lambda params: ("compliance.report", {"unit_id": params["unit_id"]}),
            running_text=_l("Step %(done)s of %(total)s…"),
            done_text=_l("The file is ready."),
        ),
        JobKind(
            name=REMINDER_LIST,
            write=reminder_lists.write_list,
            title=reminder_lists.list_title,
            filename=reminder_lists.list_filename,
            content_type=reminder_lists.content_type,
            heading=_l("Reminder texts"),
            back=lambda params: ("compliance.reminders_page", {"unit_id": params["unit_id"]}),
            running_text=_l("Step %(done)s of %(total)s…"),
            done_text=_l("The list is ready."),
        ),
        JobKind(
            name=UNIT_POSTERS,
            write=unit_posters.write_posters,
            title=unit_posters.posters_title,
            filename=unit_posters.posters_filename,
            content_type=lambda params: "application/pdf",
            heading=_l("Registration posters"),
            back=lambda params: ("compliance.report", {"unit_id": params["unit_id"]}),
            running_text=_l("Step %(done)s of %(total)s…"),
            done_text=_l("The posters are ready."),
        ),
        JobKind(
            name=COMPLIANCE_REFRESH,
            write=compliance_refresh.write_refresh,
            title=compliance_refresh.refresh_title,
            filename=lambda job_id, params: "",
            content_type=lambda params: "",
            heading=_l("Compliance"),
            back=lambda params: ("compliance.report", {"unit_id": params["unit_id"]}),
            running_text=_l("Updating the figures…"),
            done_text=_l("The figures are up to date."),
            keeps_file=False,
        ),
        JobKind(
            name=ROSTER_CHECK,
            write=roster_jobs.write_check,
            title=roster_jobs.check_title,
            filename=lambda job_id, params: "",
            content_type=lambda params: "",
            heading=_l("Roster"),
            back=_roster_back,
            running_text=_l("Checking the roster…"),
            done_text=_l("The roster is checked."),
            keeps_file=False,
            landing=lambda job_id, params: ("compliance.roster_checked", {"job_id": job_id}),
        ),
        JobKind(
            name=ROSTER_IMPORT,
            write=roster_jobs.write_import,
            title=roster_jobs.import_title,
            filename=lambda job_id, params: "",
            content_type=lambda params: "",
            heading=_l("Compliance"),
            back=lambda params: ("compliance.index", {}),
            running_text=_l("Importing the roster…"),
            done_text=_l("The roster is imported."),
            keeps_file=False,
            landing=lambda job_id, params: ("compliance.roster_imported", {"job_id": job_id}),
        ),
    )
}


def kind_of(name: str) -> JobKind:
    """The kind of job named `name` (a KeyError for one this version does not know)."""
    return KINDS[name]
