"""Kept compliance results for pages and the API: live or from a snapshot, refreshed by a job.

`served` is what a page (or an API call) asks for: the result of a kind, computed live when
fast, else its snapshot; a stale snapshot gets its refresh job queued once, whoever asks.
Separate from `compliance_refresh` (the job's writer), which the kinds import.
"""

from volunteer.extensions import db
from volunteer.models import BackgroundJob, Unit, User
from volunteer.services.compliance import snapshots, targets_for
from volunteer.services.periods import Period
from volunteer.tasks import prewarm
from volunteer.tasks.compliance_refresh import JOB_KIND, key_refresh_params, refresh_params
from volunteer.tasks.queue import start_job
from volunteer.tasks.runner import active_job, create_job


def served(
    kind: str, unit: Unit, period: Period, actor: User, pending_if_slow: bool = False, **params
) -> snapshots.Served:
    """The result of `kind`, live or from its snapshot, with the snapshot's refresh queued
    once when it is stale; commits what was kept (pages and the API share this). With
    `pending_if_slow` (the compliance page), a never computed key predicted slow is queued
    and comes back pending instead of being computed in the request."""
    targets = params.pop("targets", None) or targets_for(period.year)
    result = snapshots.cached_or_live(kind, unit, period, targets, pending_if_slow, **params)
    if result.pending:
        return _pending(snapshots.snapshot_key(kind, unit, period, targets, **params), actor)
    if result.snapshot_id is not None:
        db.session.commit()  # the result kept, and how long it took
    if result.needs_refresh:
        queue_refresh(result.snapshot_id, unit, actor)
    return result


def queue_refresh(snapshot_id: int, unit: Unit, actor: User) -> BackgroundJob:
    """The snapshot's refresh job: the one queued or running already (by anyone), else new."""
    return _queued(refresh_params(snapshot_id, unit), actor)


def _pending(key: snapshots.Key, actor: User) -> snapshots.Served:
    """Queue the key's computation; pending, unless the job already ran (a quick worker, or
    the tests' immediate queue): then its result as any kept key's."""
    queue_key(key, actor)
    if snapshots.kept_row(key) is None:
        return snapshots.Served(None, pending=True)
    kind, params = key.kind, {k: v for k, v in key.params.items() if k != "period_kind"}
    return served(kind, key.unit, key.period, actor, targets=key.targets, **params)


def queue_key(key: snapshots.Key, actor: User | None) -> BackgroundJob:
    """The refresh job computing a key never computed: the one queued already, else new."""
    return _queued(key_refresh_params(snapshots.key_params(key), key.unit.id, key.unit.name), actor)


def _queued(params: dict, actor: User | None) -> BackgroundJob:
    """The refresh job with these parameters queued or running already (by anyone), else a
    new one, committed and started."""
    job = active_job(None, JOB_KIND, params)
    if job is None:
        job = create_job(JOB_KIND, params, actor)
        db.session.commit()
        start_job(job.id)
    return job


def start_prewarm() -> int:
    """Queue the pre-warm now (after new targets: every key of the year is new); how many."""
    job_ids = prewarm.queue_prewarm()
    for job_id in job_ids:
        start_job(job_id)
    return len(job_ids)
