"""Batch printing: one PDF with one certificate per person, for thousands of people.

Why a background job and not a streamed response:
- A batch of thousands takes tens of seconds or minutes. A streamed response would still be
  one long request, cut by gunicorn's worker timeout or a proxy's read timeout; a dropped
  phone connection would lose the whole batch; and a streamed PDF cannot say how far it got.
- The job (a BackgroundJob row) issues, renders and commits `CERTIFICATE_BATCH_CHUNK` people
  at a time and appends each finished certificate to a file on disk through
  StreamingPdfWriter, so memory stays flat whatever the batch size; its progress is in the
  database, so any worker process can answer the progress page, and the finished file can
  be downloaded again later.
- It runs in a thread of the web process (no broker or extra service to run on a government
  intranet). `flask certificate batch` does the same work from the command line, and
  `flask certificate run-jobs` finishes queued jobs (for example after a restart).

This module is an edge like a CLI command: it commits, once per chunk.
"""

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from flask import Flask, current_app
from sqlalchemy import Update, exists, select, update
from sqlalchemy.orm import selectinload

from volunteer.documents.pdf_stream import StreamingPdfWriter
from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityStatus,
    BackgroundJob,
    CreditEntry,
    JobStatus,
    Organization,
    RosterEntry,
    ServiceRecord,
    Unit,
    User,
    Volunteer,
    utcnow,
)
from volunteer.printing.output import certificate_pdf
from volunteer.services import certificates, ledger, participation, periods, permissions
from volunteer.services.periods import Period

JOB_KIND = "certificate_batch"
ACTIVITY_CHOICES_LIMIT = 300
RECENT_JOBS = 10
log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Issuer = tuple[User | None, Organization | None]


# ---- who is in a batch ----


def period_params(period: Period) -> dict[str, Any]:
    """A period as the JSON a job's parameters keep."""
    start = period.start.isoformat() if period.start else None
    return {"start": start, "end": period.end.isoformat(), "kind": period.kind}


def period_from_params(params: dict[str, Any]) -> Period:
    """The period a job's parameters keep."""
    start = params.get("start")
    end = date.fromisoformat(params["end"])
    return Period(date.fromisoformat(start) if start else None, end, params.get("kind", "range"))


def unit_batch_params(unit: Unit, include_subunits: bool, period: Period) -> dict[str, Any]:
    """A coordinator's batch: everyone on a unit's roster with approved time in the period."""
    return {
        "source": "unit",
        "unit_id": unit.id,
        "unit_name": unit.name,
        "include_subunits": include_subunits,
        "period": period_params(period),
    }


def activity_batch_params(activity: Activity) -> dict[str, Any]:
    """An organizer's batch: everyone with approved time at one activity."""
    return {
        "source": "activity",
        "activity_id": activity.id,
        "activity_title": activity.title,
        "organization_id": activity.organization_id,
        "period": period_params(periods.activity_period(activity)),
    }


def batch_volunteer_ids(params: dict[str, Any]) -> list[int]:
    """Who gets a certificate: people with approved time in the period, in a stable order."""
    period = period_from_params(params["period"])
    served = [
        CreditEntry.volunteer_id == Volunteer.id,
        ledger.in_period(period),
        CreditEntry.minutes > 0,
    ]
    query = select(Volunteer.id)
    if params["source"] == "unit":
        query = query.where(Volunteer.id_number.in_(_unit_roster(params)))
    else:
        at_activity = select(ServiceRecord.id).where(
            ServiceRecord.activity_id == params["activity_id"]
        )
        served.append(CreditEntry.record_id.in_(at_activity))
        # An organizer certifies only people who took part themselves (services.participation).
        query = query.where(participation.took_part(Volunteer.id, params["organization_id"]))
    query = query.where(exists().where(*served)).order_by(Volunteer.volunteer_number, Volunteer.id)
    return list(db.session.scalars(query))


def _unit_roster(params: dict[str, Any]) -> Any:
    """A subquery of ID numbers on the batch unit's active roster (and its sub-units')."""
    unit = db.session.get(Unit, params["unit_id"])
    units = (
        Unit.path.startswith(unit.path) if params.get("include_subunits") else Unit.id == unit.id
    )
    return (
        select(RosterEntry.id_number)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(RosterEntry.active, units)
    )


def activities_for_batches(user: User, limit: int = ACTIVITY_CHOICES_LIMIT) -> list[Activity]:
    """Published activities the user may print a batch for (admins: all), newest first."""
    statement = select(Activity).where(Activity.status != ActivityStatus.DRAFT)
    if not permissions.is_admin(user):
        statement = statement.where(
            Activity.organization_id.in_(permissions.organizer_organization_ids(user) or {-1})
        )
    return list(db.session.scalars(statement.order_by(Activity.starts_at.desc()).limit(limit)))


# ---- producing the PDF ----


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for index in range(0, len(ids), size):
        yield ids[index : index + size]


def produce_batch(
    params: dict[str, Any],
    actor_id: int | None,
    output_path: Path,
    base_url: str,
    progress: Progress | None = None,
) -> int:
    """Issue and print every certificate of the batch into `output_path`; returns the count."""
    # Commits after each chunk, so certificates issued so far stay issued if a later one fails.
    ids = batch_volunteer_ids(params)
    report = progress or _ignore_progress
    report(0, len(ids))
    done = 0
    with _complete_file(output_path) as out:
        writer = StreamingPdfWriter(out)
        for chunk in _chunks(ids, current_app.config["CERTIFICATE_BATCH_CHUNK"]):
            done += _print_chunk(writer, params, actor_id, chunk, base_url)
            report(done, len(ids))
        writer.close()
    return done


def _ignore_progress(done: int, total: int) -> None:
    """Progress nobody watches."""


@contextmanager
def _complete_file(path: Path) -> Iterator[BinaryIO]:
    """A file written beside `path` that only takes its name (atomically) once complete."""
    partial = path.with_suffix(".part")
    with partial.open("wb") as out:
        yield out
    os.replace(partial, path)


def _print_chunk(
    writer: StreamingPdfWriter,
    params: dict[str, Any],
    actor_id: int | None,
    chunk: Sequence[int],
    base_url: str,
) -> int:
    """Issue one chunk's certificates, commit, and append their PDFs; returns how many."""
    period = period_from_params(params["period"])
    issued = certificates.issue_certificates(_volunteers(chunk), period, *_issuer(params, actor_id))
    db.session.commit()
    for certificate in issued:
        writer.add(certificate_pdf(certificate, base_url))
    # Forget this chunk's objects: the identity map must not grow with the batch.
    db.session.expunge_all()
    return len(issued)


def _issuer(params: dict[str, Any], actor_id: int | None) -> Issuer:
    """Who issues the batch: the acting user and, for an activity's batch, its organization."""
    organization_id = params.get("organization_id")
    actor = db.session.get(User, actor_id) if actor_id else None
    return actor, db.session.get(Organization, organization_id) if organization_id else None


def _volunteers(ids: Sequence[int]) -> Sequence[Volunteer]:
    """These people with their accounts loaded, in the batch's order."""
    return db.session.scalars(
        select(Volunteer)
        .where(Volunteer.id.in_(ids))
        .options(selectinload(Volunteer.user))
        .order_by(Volunteer.volunteer_number, Volunteer.id)
    ).all()


# ---- background jobs ----


def job_directory() -> Path:
    """Where finished batch files are kept (created when missing)."""
    configured = current_app.config.get("CERTIFICATE_JOB_DIR")
    directory = Path(configured or Path(current_app.instance_path) / "certificate-jobs")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def create_job(params: dict[str, Any], actor: User, base_url: str) -> BackgroundJob:
    """Queue a batch; the caller commits and then starts it."""
    job = BackgroundJob(
        kind=JOB_KIND,
        params={**params, "base_url": base_url},
        created_by_id=actor.id,
        status=JobStatus.QUEUED,
    )
    db.session.add(job)
    db.session.flush()
    return job


def queue_batch(params: dict[str, Any], actor: User, base_url: str) -> BackgroundJob:
    """Queue a batch once the issuer details are set, clearing out old batch files first."""
    certificates.require_issuer()
    remove_old_results()
    return create_job(params, actor, base_url)


def recent_jobs(user: User, limit: int = RECENT_JOBS) -> list[BackgroundJob]:
    """The user's latest batch jobs, newest first."""
    return list(
        db.session.scalars(
            select(BackgroundJob)
            .where(BackgroundJob.kind == JOB_KIND, BackgroundJob.created_by_id == user.id)
            .order_by(BackgroundJob.id.desc())
            .limit(limit)
        )
    )


def start_in_thread(app: Flask, job_id: int) -> threading.Thread:
    """Run the job in a daemon thread with its own app context and database session."""
    thread = threading.Thread(
        target=_run_in_app, args=(app, job_id), name=f"certificate-job-{job_id}", daemon=True
    )
    thread.start()
    return thread


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def _job_update(job_id: int) -> Update:
    """An UPDATE of one job's row."""
    return update(BackgroundJob).where(BackgroundJob.id == job_id)


def _set_job(job_id: int, **values: Any) -> None:
    db.session.execute(_job_update(job_id).values(**values))
    db.session.commit()


def run_job(job_id: int) -> None:
    """Run one queued batch job to the end, recording progress, result or error."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    params, actor_id = dict(job.params), job.created_by_id
    _set_job(job_id, status=JobStatus.RUNNING, started_at=utcnow())
    output = job_directory() / f"certificates-{job_id}.pdf"
    try:
        produce_batch(params, actor_id, output, params["base_url"], _recorded_progress(job_id))
    except Exception as error:  # the job records any failure for the person waiting
        _fail_job(job_id, error)
        return
    _set_job(job_id, status=JobStatus.DONE, result_path=str(output), finished_at=utcnow())


def _recorded_progress(job_id: int) -> Progress:
    """A progress callback that keeps the counts on the job's row."""
    return lambda done, total: _set_job(job_id, done=done, total=total)


def _fail_job(job_id: int, error: Exception) -> None:
    """Undo the failed chunk, log the error and record it on the job."""
    db.session.rollback()
    log.exception("certificate batch job %s failed", job_id)
    _set_job(job_id, status=JobStatus.FAILED, error=str(error)[:1000], finished_at=utcnow())


def requeue_abandoned_jobs(now: datetime) -> int:
    """Put back in the queue jobs left "running" by a process that died (a restart)."""
    # A job still "running" after CERTIFICATE_JOB_ABANDONED_MINUTES lost its thread. Issuing
    # is idempotent for unchanged records, so running it again reuses what it already issued.
    cutoff = now - timedelta(minutes=current_app.config["CERTIFICATE_JOB_ABANDONED_MINUTES"])
    result = db.session.execute(
        update(BackgroundJob)
        .where(
            BackgroundJob.kind == JOB_KIND,
            BackgroundJob.status == JobStatus.RUNNING,
            BackgroundJob.started_at < cutoff,
        )
        .values(status=JobStatus.QUEUED, done=0)
    )
    db.session.commit()
    return result.rowcount


def run_queued_jobs() -> int:
    """Run every queued batch job in this process (the CLI worker); returns how many ran."""
    requeue_abandoned_jobs(utcnow())
    ids = db.session.scalars(
        select(BackgroundJob.id)
        .where(BackgroundJob.kind == JOB_KIND, BackgroundJob.status == JobStatus.QUEUED)
        .order_by(BackgroundJob.id)
    ).all()
    for job_id in ids:
        run_job(job_id)
    return len(ids)


def remove_old_results() -> int:
    """Delete finished batch files older than CERTIFICATE_JOB_KEEP_DAYS (rows stay)."""
    old = _old_results(utcnow() - timedelta(days=current_app.config["CERTIFICATE_JOB_KEEP_DAYS"]))
    for job_id, path in old:
        Path(path).unlink(missing_ok=True)
        db.session.execute(_job_update(job_id).values(result_path=None))
    return len(old)


def _old_results(cutoff: datetime) -> Sequence[Any]:
    """(job id, file path) of every batch file finished before `cutoff`."""
    return db.session.execute(
        select(BackgroundJob.id, BackgroundJob.result_path).where(
            BackgroundJob.kind == JOB_KIND,
            BackgroundJob.result_path.is_not(None),
            BackgroundJob.finished_at < cutoff,
        )
    ).all()
