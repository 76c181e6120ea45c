"""The compliance pages' results through the snapshot cache, and the line saying how fresh.

A result comes live, or from its snapshot when the last computation was slow
(services/compliance/snapshots.py). Serving a stale snapshot queues its refresh job once
(the same refresh queued by anyone is not queued again); the page then says "数据截至 HH:MM"
and "正在更新", with a button asking for a refresh. A key never computed and predicted slow
is not computed in the request: its job is queued and the page says "正在计算" and reloads.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from volunteer import tasks
from volunteer.access import acting_user
from volunteer.actions import service_action
from volunteer.models import BackgroundJob, Unit
from volunteer.services import periods
from volunteer.services.compliance import snapshots, targets_for
from volunteer.tasks import compliance_refresh, refreshes


def served(kind: str, unit: Unit, period: periods.Period, **params) -> snapshots.Served:
    """The result of `kind` for the page, live or from its snapshot (refresh queued if stale)."""
    return refreshes.served(kind, unit, period, acting_user(), **params)


def queue_refresh(snapshot_id: int, unit: Unit) -> BackgroundJob:
    """The snapshot's refresh job: the one queued or running already, else a new one."""
    return refreshes.queue_refresh(snapshot_id, unit, acting_user())


# A page whose figures are being computed reloads itself after this many seconds.
COMPUTING_REFRESH_SECONDS = 15


def pending(kind: str, unit: Unit, period: periods.Period, **params) -> bool:
    """Whether the key was never computed and is predicted slow (its computation then
    queued): the page reloads until it is kept. Computes nothing."""
    targets = targets_for(period.year)
    key = snapshots.snapshot_key(kind, unit, period, targets, **params)
    if snapshots.kept_row(key) is not None or not snapshots.predicted_slow(unit, kind):
        return False
    refreshes.queue_key(key, acting_user())
    return snapshots.kept_row(key) is None  # the tests' immediate queue ran it


def _updating(result: snapshots.Served, unit: Unit) -> bool:
    """Whether the snapshot shown is being refreshed."""
    params = compliance_refresh.refresh_params(result.snapshot_id, unit)
    return result.needs_refresh or bool(tasks.active_job(None, tasks.COMPLIANCE_REFRESH, params))


@dataclass(frozen=True)
class Freshness:
    """The page's line: when the oldest snapshot shown was computed, and whether it updates."""

    computed_at: datetime | None = None  # None: every figure was computed for this request
    updating: bool = False

    @property
    def time_format(self) -> str:
        """HH:mm for today's figures, with the date for older ones."""
        today = self.computed_at and periods.local_date(self.computed_at) == periods.local_today()
        return "HH:mm" if today else "yyyy-MM-dd HH:mm"


def freshness(unit: Unit, *results: snapshots.Served) -> Freshness:
    """The line for the results shown together on one page."""
    cached = [result for result in results if result.from_snapshot]
    if not cached:
        return Freshness()
    oldest = min(result.computed_at for result in cached)
    return Freshness(oldest, any(_updating(result, unit) for result in cached))


def refresh_page(unit: Unit, period: periods.Period) -> int:
    """Queue the refresh of every snapshot of the unit's page for the period; how many."""
    rows = snapshots.snapshots_of(unit, period)
    for row in rows:
        queue_refresh(row.id, unit)
    return len(rows)


def refresh_own(units: list[Unit]) -> None:
    """Recompute now the uploaded units' own stale snapshots that are quick enough
    (COMPLIANCE_REFRESH_IN_REQUEST_MS); their ancestors' refresh when next shown."""
    limit = current_app.config["COMPLIANCE_REFRESH_IN_REQUEST_MS"]
    with service_action():
        snapshots.refresh_stale_of([unit.id for unit in units], limit)
