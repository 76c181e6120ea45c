"""A background job's life on its row: created in a request, run once by a worker.

The request creates the `BackgroundJob` row and commits, then puts only its id on the queue
(`start_job`). A worker claims the row with one conditional UPDATE (queued -> running), so a
message delivered twice, or re-sent by the maintenance task, runs the job once. The kind
writes its file into a scratch file of the worker's, reporting progress; the file is then
kept in the database (services/files.py) for JOB_FILE_KEEP_DAYS, where any host serves it.
A running job writes a heartbeat with each step; one silent for JOB_ABANDONED_MINUTES lost
its worker (a restart, a crash) and is queued again by the maintenance task.
"""

import logging
import os
import socket
import tempfile
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import Update, select, update

from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.models import BackgroundJob, JobStatus, User, utcnow
from volunteer.services import files
from volunteer.services.errors import ServiceError
from volunteer.tasks.kinds import JobKind, kind_of

RESULT_PURPOSE = "job_result"
RECENT_JOBS = 10
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
log = logging.getLogger(__name__)


def create_job(kind: str, params: dict[str, Any], actor: User | None) -> BackgroundJob:
    """A queued job of `kind` for `actor` (None: the system's, the worker's pre-warm), in the
    actor's language (flushed; commit, then start)."""
    kind_of(kind)  # refuse an unknown kind here, not in the worker
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    job = BackgroundJob(
        kind=kind,
        params={**params, "locale": locale},
        created_by_id=actor.id if actor is not None else None,
        status=JobStatus.QUEUED,
    )
    db.session.add(job)
    db.session.flush()
    return job


def active_job(actor: User | None, kind: str, params: dict[str, Any]) -> BackgroundJob | None:
    """The actor's (None: anyone's) queued or running job of this kind with these parameters."""
    query = select(BackgroundJob).where(
        BackgroundJob.kind == kind, BackgroundJob.status.in_(ACTIVE)
    )
    if actor is not None:
        query = query.where(BackgroundJob.created_by_id == actor.id)
    jobs = db.session.scalars(query)
    return next((job for job in jobs if _same_params(job.params, params)), None)


def _same_params(kept: dict[str, Any], asked: dict[str, Any]) -> bool:
    return {k: v for k, v in kept.items() if k != "locale"} == asked


def recent_jobs(user: User, kind: str, limit: int = RECENT_JOBS) -> list[BackgroundJob]:
    """The user's latest jobs of one kind, newest first."""
    return list(
        db.session.scalars(
            select(BackgroundJob)
            .where(BackgroundJob.kind == kind, BackgroundJob.created_by_id == user.id)
            .order_by(BackgroundJob.id.desc())
            .limit(limit)
        )
    )


# ---- in the worker ----


def run_job(job_id: int) -> bool:
    """Run one queued job to the end, recording progress, file or error; False if not claimed."""
    if not _claim(job_id):
        return False
    job = db.session.get(BackgroundJob, job_id)
    kind, params, actor_id = kind_of(job.kind), dict(job.params), job.created_by_id
    try:
        with tempfile.TemporaryFile() as out, force_locale(params["locale"]):
            outcome = kind.write(params, actor_id, out, JobProgress(job_id))
            blob_id = _keep_file(job_id, kind, params, actor_id, out) if kind.keeps_file else None
    except Exception as error:  # the job records any failure for the person waiting
        _fail_job(job_id, error)
        return True
    # The kind's work and the job's end commit together: a job that writes no progress after
    # its first change (a roster import) is then all done, or not at all.
    _set_job(
        job_id,
        status=JobStatus.DONE,
        result_file_id=blob_id,
        outcome=outcome if isinstance(outcome, dict) else None,
        finished_at=utcnow(),
    )
    return True


def _claim(job_id: int) -> bool:
    """Mark a queued job running for this worker; False when another took it (or it is done)."""
    now = utcnow()
    claimed = db.session.execute(
        _job_update(job_id)
        .where(BackgroundJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=_worker())
    ).rowcount
    db.session.commit()
    return claimed == 1


def _worker() -> str:
    """This worker's name in the job's row: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _keep_file(
    job_id: int, kind: JobKind, params: dict[str, Any], actor_id: int | None, out: BinaryIO
) -> int:
    """Keep the finished scratch file in the database for JOB_FILE_KEEP_DAYS; its id."""
    out.seek(0)
    config = current_app.config
    blob = files.save_stream(
        out,
        RESULT_PURPOSE,
        kind.filename(job_id, params),
        kind.content_type(params),
        db.session.get(User, actor_id) if actor_id else None,
        utcnow() + timedelta(days=config["JOB_FILE_KEEP_DAYS"]),
        max_bytes=config["GENERATED_FILE_MAX_BYTES"],
    )
    return blob.id


def _job_update(job_id: int) -> Update:
    """An UPDATE of one job's row."""
    return update(BackgroundJob).where(BackgroundJob.id == job_id)


def _set_job(job_id: int, **values: Any) -> None:
    db.session.execute(_job_update(job_id).values(**values))
    db.session.commit()


class JobProgress:
    """The Progress a running job's kind reports to: counts and heartbeat on the job's row."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int) -> None:
        """Record the step counts and a heartbeat, committing the session."""
        _set_job(self.job_id, done=done, total=total, heartbeat_at=utcnow())

    def keep_alive(self) -> None:
        """A heartbeat from a connection of its own: the session may be reading a server-side
        cursor, which a commit would close. On PostgreSQL only: on SQLite the write would wait
        for the reading transaction to end, and a SQLite site runs its one worker on one host
        (a county's longest step is seconds there; JOB_ABANDONED_MINUTES is 15)."""
        if db.engine.dialect.name != "postgresql":
            return
        with db.engine.begin() as connection:
            connection.execute(
                _job_update(self.job_id)
                .where(BackgroundJob.status == JobStatus.RUNNING)
                .values(heartbeat_at=utcnow())
            )


def _fail_job(job_id: int, error: Exception) -> None:
    """Undo the failed step, log the error and record a readable reason on the job."""
    db.session.rollback()
    log.exception("background job %s failed", job_id)
    if isinstance(error, ServiceError):
        reason = error.message
    else:  # the log has the details; the page says where to look
        reason = _("an unexpected error; the administrators can find it in the server log.")
    _set_job(job_id, status=JobStatus.FAILED, error=reason[:1000], finished_at=utcnow())


# ---- keeping the queue healthy ----


def release(job_id: int) -> bool:
    """Give back a job this worker was running when it was stopped; False if it was not."""
    released = db.session.execute(
        _job_update(job_id)
        .where(BackgroundJob.status == JobStatus.RUNNING, BackgroundJob.worker == _worker())
        .values(status=JobStatus.QUEUED, done=0, worker=None)
    ).rowcount
    db.session.commit()
    return released == 1


def requeue_abandoned(now: datetime) -> list[int]:
    """Queue again jobs whose worker went silent, and list every job still waiting to run."""
    cutoff = now - timedelta(minutes=current_app.config["JOB_ABANDONED_MINUTES"])
    db.session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.status == JobStatus.RUNNING, BackgroundJob.heartbeat_at < cutoff)
        .values(status=JobStatus.QUEUED, done=0, worker=None)
    )
    waiting = db.session.scalars(
        select(BackgroundJob.id)
        .where(BackgroundJob.status == JobStatus.QUEUED, BackgroundJob.created_at < cutoff)
        .order_by(BackgroundJob.id)
    ).all()
    db.session.commit()
    return list(waiting)


def maintain(now: datetime) -> list[int]:
    """The worker's periodic round: delete expired files (and objects no file names); the
    jobs to put on the queue again."""
    files.remove_expired(now)
    files.remove_orphaned_objects(now)
    db.session.commit()
    return requeue_abandoned(now)


def run_queued_jobs() -> int:
    """Run every queued job in this process (`flask jobs run-queued`); returns how many ran."""
    requeue_abandoned(utcnow())
    ids = db.session.scalars(
        select(BackgroundJob.id)
        .where(BackgroundJob.status == JobStatus.QUEUED)
        .order_by(BackgroundJob.id)
    ).all()
    return sum(run_job(job_id) for job_id in ids)
