"""Pre-warming (issue 15's gap): the keys the job worker's round computes before anyone asks.

A key never computed is computed in its request (snapshots.py): 36 s for a province's root
page. The round therefore plans, for the units whose keys are likely slow, the keys the
compliance page asks for by default (this year's overview, pace over the configured window
and history) that have no fresh snapshot, and every slow snapshot that is stale or was
computed on an earlier day of a running period, so the next viewer finds fresh figures.
A stale snapshot is refreshed by the round only once it is COMPLIANCE_PREWARM_STALE_MINUTES
old: every check-out marks the root's snapshots stale, and recomputing a province's root
(about 36 s) at each round would keep the worker busy all day; a viewer of a stale snapshot
still queues its refresh at once (tasks/refreshes.py).

Likely slow (`snapshots.predicted_slow`, the same line for the page): a subtree of at least
COMPLIANCE_PREWARM_MIN_UNITS active units, or a unit with some snapshot that took longer
than COMPLIANCE_LIVE_LIMIT_MS. The plan costs four plain reads whatever the tree's size:
the active units (id, name, depth, path; the subtree sizes are summed along the paths in
Python), the units with a slow snapshot, the default keys' rows, and the stale or day-old
slow rows. It only reads; tasks/prewarm.py queues the jobs (deduplicated) and commits.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Row, or_, select

from volunteer.extensions import db
from volunteer.models import ComplianceSnapshot, Unit, utcnow
from volunteer.services import periods
from volunteer.services.compliance import snapshots
from volunteer.services.compliance.pace import window_days
from volunteer.services.compliance.targets import Targets, targets_for

# The kinds the compliance page shows: its overview, their pace and the history chart.
PAGE_KINDS = (snapshots.REPORT, snapshots.PACE, snapshots.HISTORY)


@dataclass(frozen=True)
class Warm:
    """One refresh to queue: a kept snapshot to recompute, or a key never computed."""

    unit_id: int
    unit_name: str
    depth: int
    snapshot_id: int | None = None
    key: dict[str, Any] | None = None  # snapshots.key_params of a key with no row yet


@dataclass(frozen=True)
class DefaultKey:
    """A key the page asks for by default, without its unit (the same for every unit)."""

    kind: str
    period: periods.Period
    params: dict[str, Any]
    settings_key: str

    def values(self) -> dict[str, Any]:
        """The key's `snapshots.key_params`."""
        return snapshots.key_values(self.kind, self.period, self.params)


def default_keys(today: date) -> list[DefaultKey]:
    """This year's overview, pace (the configured window) and history, as the page asks."""
    period = periods.year_period(today.year)
    targets = targets_for(period.year)
    extra = {snapshots.PACE: {"window": window_days()}}
    keys = []
    for kind in PAGE_KINDS:
        params = {"period_kind": period.kind, **extra.get(kind, {})}
        keys.append(DefaultKey(kind, period, params, snapshots.settings_key_of(targets, params)))
    return keys


@dataclass(frozen=True)
class Due:
    """When a slow snapshot is due: computed before `midnight` (today's, Beijing) for a
    running period, or stale and computed before `stale_before`."""

    today: date
    midnight: datetime
    stale_before: datetime

    @classmethod
    def at(cls, now: datetime) -> "Due":
        """The lines at `now`."""
        today, minutes = (
            periods.local_today(now),
            current_app.config["COMPLIANCE_PREWARM_STALE_MINUTES"],
        )
        return cls(today, periods.local_midnight(today), now - timedelta(minutes=minutes))

    def is_due(self, row: Row) -> bool:
        """Whether a kept row of a running period is due (a fast key's row never is)."""
        slow = row.duration_ms > snapshots.live_limit_ms()
        old = row.computed_at < self.midnight
        return slow and (old or (row.stale and row.computed_at <= self.stale_before))


def prewarm_plan(now: datetime | None = None) -> list[Warm]:
    """The refreshes the round should queue, the units nearest the root first."""
    due = Due.at(now or utcnow())
    units = likely_slow_units()
    plan = _default_warms(units, default_keys(due.today), due)
    planned = {warm.snapshot_id for warm in plan}
    plan += [warm for warm in _outdated_slow(due) if warm.snapshot_id not in planned]
    return sorted(plan, key=lambda warm: warm.depth)


def likely_slow_units() -> list[Row]:
    """Active units with a subtree of at least COMPLIANCE_PREWARM_MIN_UNITS active units, or
    with a snapshot slower than the live limit (id, name, depth)."""
    units = db.session.execute(
        select(Unit.id, Unit.name, Unit.depth, Unit.path).where(Unit.active.is_(True))
    ).all()
    sizes = Counter(int(part) for unit in units for part in unit.path.strip("/").split("/"))
    slow = set(
        db.session.scalars(
            select(ComplianceSnapshot.unit_id)
            .where(ComplianceSnapshot.duration_ms > snapshots.live_limit_ms())
            .distinct()
        )
    )
    least = snapshots.prewarm_min_units()
    return [unit for unit in units if sizes[unit.id] >= least or unit.id in slow]


def _default_warms(units: list[Row], keys: list[DefaultKey], due: Due) -> list[Warm]:
    """Each likely slow unit's default keys with no snapshot, or a slow one due."""
    kept = _kept_rows(keys, {unit.id for unit in units})
    warms = []
    for unit in units:
        for key in keys:
            row = kept.get((key.kind, key.settings_key, unit.id))
            if row is None:
                warms.append(Warm(unit.id, unit.name, unit.depth, key=key.values()))
            elif due.is_due(row):
                warms.append(Warm(unit.id, unit.name, unit.depth, snapshot_id=row.id))
    return warms


def _kept_rows(keys: list[DefaultKey], unit_ids: set[int]) -> dict[tuple, Row]:
    """The default keys' rows (one read), by kind, settings and unit."""
    if not unit_ids:
        return {}
    period = keys[0].period
    rows = db.session.execute(
        select(*_ROW_COLUMNS, ComplianceSnapshot.kind, ComplianceSnapshot.settings_key).where(
            ComplianceSnapshot.period_start == period.start,
            ComplianceSnapshot.period_end == period.end,
            ComplianceSnapshot.settings_key.in_({key.settings_key for key in keys}),
        )
    ).all()
    return {
        (row.kind, row.settings_key, row.unit_id): row for row in rows if row.unit_id in unit_ids
    }


_ROW_COLUMNS = (
    ComplianceSnapshot.id,
    ComplianceSnapshot.unit_id,
    ComplianceSnapshot.duration_ms,
    ComplianceSnapshot.stale,
    ComplianceSnapshot.computed_at,
)


def _outdated_slow(due: Due) -> list[Warm]:
    """Slow snapshots of active units marked stale (for a while), or computed before today
    for a period still running (its figures count to today), under the targets in force (a
    row of old targets is never asked for again: refreshing it would write another key's)."""
    rows = db.session.execute(
        select(*_ROW_COLUMNS, ComplianceSnapshot.params, ComplianceSnapshot.period_start)
        .add_columns(ComplianceSnapshot.settings_key, Unit.name, Unit.depth)
        .join(Unit, Unit.id == ComplianceSnapshot.unit_id)
        .where(
            Unit.active.is_(True),
            ComplianceSnapshot.duration_ms > snapshots.live_limit_ms(),
            or_(
                ComplianceSnapshot.stale.is_(True)
                & (ComplianceSnapshot.computed_at <= due.stale_before),
                (ComplianceSnapshot.period_end >= due.today)
                & (ComplianceSnapshot.computed_at < due.midnight),
            ),
        )
    ).all()
    targets: dict[int, Targets] = {}
    return [
        Warm(row.unit_id, row.name, row.depth, snapshot_id=row.id)
        for row in rows
        if _current_settings(row, targets)
    ]


def _current_settings(row: Row, targets: dict[int, Targets]) -> bool:
    """Whether the row's settings are those its key has now (the year's targets read once)."""
    year = row.period_start.year
    if year not in targets:
        targets[year] = targets_for(year)
    return snapshots.settings_key_of(targets[year], row.params) == row.settings_key
