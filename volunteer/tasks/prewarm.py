"""The worker's pre-warm: refresh jobs for the compliance keys likely slow and not fresh.

Run by the periodic round (tasks/queue.py) and right after a year's targets are saved (new
targets are new keys, none computed). What to warm is services/compliance/prewarm.py's
plan; here each planned key becomes one `compliance.refresh` job, unless the same refresh
is queued or running already (by anyone): one read of the active refresh jobs. Commits.
"""

import json
from typing import Any

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import BackgroundJob
from volunteer.services.compliance import prewarm
from volunteer.tasks.compliance_refresh import JOB_KIND, key_refresh_params
from volunteer.tasks.runner import ACTIVE, create_job


def queue_prewarm() -> list[int]:
    """Queue the planned refreshes not queued already; commits; the new jobs' ids, the
    units nearest the root first (the caller puts them on the queue)."""
    queued = _active_refreshes()
    jobs = []
    for warm in prewarm.prewarm_plan():
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
