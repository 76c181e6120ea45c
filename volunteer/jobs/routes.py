"""A job's pages, the same for every kind (volunteer/tasks/kinds.py names each one's words).

Any host answers them: the job's progress is its row and its file is in the database.
"""

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)

from volunteer.access import Rule, access
from volunteer.models import BackgroundJob, JobStatus
from volunteer.services import files, permissions
from volunteer.tasks import kind_of

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

JOB_OWNER = Rule(
    "creator of a background job (or admin)",
    model=BackgroundJob,
    id_arg="job_id",
    as_arg="job",
    scope_check=lambda user, job: job.created_by_id == user.id or permissions.is_admin(user),
)


@bp.route("/<int:job_id>")
@access(JOB_OWNER)
def show(job: BackgroundJob):
    """A job's progress; the page follows it until the file is ready (or the job lands)."""
    kind = kind_of(job.kind)
    if (landing := _landing_url(job)) is not None:
        return redirect(landing)
    endpoint, arguments = kind.back(job.params)
    return render_template(
        "jobs/job.html",
        job=job,
        kind=kind,
        title=kind.title(job.params),
        back_url=url_for(endpoint, **arguments),
        JobStatus=JobStatus,
    )


@bp.route("/<int:job_id>/status")
@access(JOB_OWNER)
def status(job: BackgroundJob):
    """Progress as JSON for the page's poller."""
    ready = job.status == JobStatus.DONE and job.result_file_id is not None
    return {
        "status": job.status.value,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "download": url_for("jobs.download", job_id=job.id) if ready else None,
        "next": _landing_url(job),
    }


def _landing_url(job: BackgroundJob) -> str | None:
    """The page a finished job of a landing kind goes to (a roster check: its preview)."""
    landing = kind_of(job.kind).landing
    if job.status != JobStatus.DONE or landing is None:
        return None
    endpoint, arguments = landing(job.id, job.params)
    return url_for(endpoint, **arguments)


@bp.route("/<int:job_id>/download")
@access(JOB_OWNER)
def download(job: BackgroundJob):
    """The finished file, streamed a chunk at a time from where it is kept."""
    blob = files.file_of_job(job)
    if job.status != JobStatus.DONE or blob is None:
        abort(404)
    ascii_name = blob.filename.encode("ascii", "ignore").decode() or "download"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(blob.filename)}"
    headers = {"Content-Disposition": disposition, "Content-Length": str(blob.size)}
    chunks = stream_with_context(files.iter_content(blob))
    return Response(chunks, mimetype=blob.content_type, headers=headers)
