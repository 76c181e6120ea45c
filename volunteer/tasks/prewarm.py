"""The worker's pre-warm: refresh jobs for the compliance keys likely slow and not fresh.

Run by the periodic round (tasks/queue.py) and right after a year's targets are saved (new
targets are new keys, none computed). What to warm is services/compliance/prewarm.py's
plan; here each planned key becomes one `compliance.refresh` job, unless the same refresh
is queued or running already (by anyone): one read of the active refresh jobs. Commits.

A key whose refresh failed is not queued again at every round (a key that cannot be computed,
say a database timeout on a province's history, would take the worker's time all day): after
its n-th failure in the last day it waits JOB_MAINTENANCE_MINUTES * 2**n minutes from that
failure (two rounds, then four, eight...), at most a day. One more read, of the day's failed
refreshes. A viewer's own request for a refresh (tasks/refreshes.py) is not held back.
"""

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import BackgroundJob, JobStatus, utcnow
from volunteer.services.compliance import prewarm
from volunteer.tasks.compliance_refresh import JOB_KIND, key_refresh_params
from volunteer.tasks.runner import ACTIVE, create_job


def queue_prewarm(now: datetime | None = None) -> list[int]:
    """Queue the planned refreshes not queued already nor waiting after a failure; commits;
    the new jobs' ids, the units nearest the root first (the caller puts them on the queue)."""
    now = now or utcnow()
    queued = _active_refreshes() | _failed_recently(now)
    jobs = []
    for warm in prewarm.prewarm_plan(now):
        params = _params(warm)
        if identity(params) not in queued:
            queued.add(identity(params))
            jobs.append(create_job(JOB_KIND, params, None))
    db.session.commit()
    return [job.id for job in jobs]


def _params(warm: prewarm.Warm) -> dict[str, Any]:
    """The refresh job's parameters: by snapshot, or by key for one never computed."""
    unit = {"unit_id": warm.unit_id, "unit_name": warm.unit_name}
    if warm.snapshot_id is not None:
        return {"snapshot_id": warm.snapshot_id, **unit}
    return key_refresh_params(warm.key, **unit)


def identity(params: dict[str, Any]) -> str:
    """A job's parameters without its language, as one comparable string."""
    return json.dumps({k: v for k, v in params.items() if k != "locale"}, sort_keys=True)


def _active_refreshes() -> set[str]:
    """The parameters of every queued or running refresh job (one read)."""
    kept = db.session.scalars(
        select(BackgroundJob.params).where(
            BackgroundJob.kind == JOB_KIND, BackgroundJob.status.in_(ACTIVE)
        )
    )
    return {identity(params) for params in kept}


RETRY_WINDOW = timedelta(days=1)


def _failed_recently(now: datetime) -> set[str]:
    """The refreshes still waiting after failing: the n-th failure in the last day holds the
    key back for JOB_MAINTENANCE_MINUTES * 2**n minutes from that failure (at most a day)."""
    failed = db.session.execute(
        select(BackgroundJob.params, BackgroundJob.finished_at).where(
            BackgroundJob.kind == JOB_KIND,
            BackgroundJob.status == JobStatus.FAILED,
            BackgroundJob.finished_at >= now - RETRY_WINDOW,
        )
    ).all()
    failures: Counter[str] = Counter()
    last: dict[str, datetime] = {}
    for params, finished_at in failed:
        key = identity(params)
        failures[key] += 1
        last[key] = max(last.get(key, finished_at), finished_at)
    round_minutes = current_app.config["JOB_MAINTENANCE_MINUTES"]
    return {
        key
        for key, count in failures.items()
        if now < last[key] + min(RETRY_WINDOW, timedelta(minutes=round_minutes * 2**count))
    }
