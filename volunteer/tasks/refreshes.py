"""Kept compliance results for pages and the API: live or from a snapshot, refreshed by a job.

`served` is what a page (or an API call) asks for: the result of a kind, computed live when
fast, else its snapshot; a stale snapshot gets its refresh job queued once, whoever asks.
Separate from `compliance_refresh` (the job's writer), which the kinds import.
"""

from volunteer.extensions import db
from volunteer.models import BackgroundJob, Unit, User
from volunteer.services.compliance import snapshots, targets_for
from volunteer.services.periods import Period
from volunteer.tasks.compliance_refresh import JOB_KIND, refresh_params
from volunteer.tasks.queue import start_job
from volunteer.tasks.runner import active_job, create_job


def served(kind: str, unit: Unit, period: Period, actor: User, **params) -> snapshots.Served:
    """The result of `kind`, live or from its snapshot, with the snapshot's refresh queued
    once when it is stale; commits what was kept (pages and the API share this)."""
    targets = params.pop("targets", None) or targets_for(period.year)
    result = snapshots.cached_or_live(kind, unit, period, targets, **params)
    if result.snapshot_id is not None:
        db.session.commit()  # the result kept, and how long it took
    if result.needs_refresh:
        queue_refresh(result.snapshot_id, unit, actor)
    return result


def queue_refresh(snapshot_id: int, unit: Unit, actor: User) -> BackgroundJob:
    """The snapshot's refresh job: the one queued or running already (by anyone), else new."""
    params = refresh_params(snapshot_id, unit)
    job = active_job(None, JOB_KIND, params)
    if job is None:
        job = create_job(JOB_KIND, params, actor)
        db.session.commit()
        start_job(job.id)
    return job
