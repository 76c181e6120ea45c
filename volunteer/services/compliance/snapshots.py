"""Fresh and fast reports (issue 15): live when fast, else the last result kept in a snapshot.

Every computation of a key (kind, unit, period, settings) is timed and kept in its
`ComplianceSnapshot` row. The line between live and cached is that measured time against
COMPLIANCE_LIVE_LIMIT_MS: a key whose last computation took longer is served from its
snapshot, with the time it was computed; one that took less is computed again for each
request, so small subtrees are always live. A key never computed has no measurement, so its
first request computes it live and keeps it: the person gets today's figures (a "computing"
page would make them wait as long, then come back), and from then on the row says which
side of the line the key is on.

A served snapshot needs a refresh when a change marked it stale (services/staleness.py) or
it was computed on an earlier Beijing day (the pace and the history count up to today).
This module only says so (`Served.needs_refresh`); the page queues the refresh job
(volunteer/tasks), which calls `refresh_snapshot`. Flushes, never commits.

`COMPUTATIONS` is the one place saying what each kind computes, for the page and the job.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from time import perf_counter
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from volunteer.extensions import db
from volunteer.models import ComplianceSnapshot, Unit, utcnow
from volunteer.services import periods
from volunteer.services.compliance.codec import decode, encode
from volunteer.services.compliance.figures import Report
from volunteer.services.compliance.history import HistoryPoint, compliance_history
from volunteer.services.compliance.overview import compliance_overview
from volunteer.services.compliance.pace import Pace, compliance_pace
from volunteer.services.compliance.rollup import compliance_report
from volunteer.services.compliance.targets import Targets, targets_for
from volunteer.services.periods import Period

# The page's kinds: its overview (own roster, each sub-unit's subtree), their pace, the history;
# and the whole tree's report, every unit's own row (the API, the campaign's years).
REPORT, PACE, HISTORY, FULL = "overview", "pace", "history", "report"
KEY_COLUMNS = ("kind", "unit_id", "period_start", "period_end", "settings_key")


@dataclass(frozen=True)
class Computation:
    """What a kind computes from (unit, period, targets, params), and the type it returns."""

    compute: Callable[[Unit, Period, Targets, dict[str, Any]], Any]
    returns: Any


COMPUTATIONS = {
    REPORT: Computation(
        lambda unit, period, targets, _: compliance_overview(unit, period, targets), Report
    ),
    PACE: Computation(
        lambda unit, period, targets, params: compliance_pace(
            unit, period, targets, periods.local_today(), params["window"], by_branch=True
        ),
        Pace,
    ),
    FULL: Computation(
        lambda unit, period, targets, _: compliance_report(unit, period, targets), Report
    ),
    HISTORY: Computation(
        lambda unit, period, targets, _: compliance_history(unit, period, targets),
        list[HistoryPoint],
    ),
}


@dataclass(frozen=True)
class Key:
    """One cached result: its kind, unit, period, the year's targets and other parameters."""

    kind: str
    unit: Unit
    period: Period
    targets: Targets
    params: dict[str, Any]

    @property
    def settings_key(self) -> str:
        """A stable hash of the targets and parameters (the same values, the same hash)."""
        settings = {"targets": encode(self.targets), **self.params}
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()

    def columns(self) -> dict[str, Any]:
        """The key's values by column name."""
        values = (self.kind, self.unit.id, self.period.start, self.period.end, self.settings_key)
        return dict(zip(KEY_COLUMNS, values, strict=True))


def snapshot_key(kind: str, unit: Unit, period: Period, targets: Targets, **params) -> Key:
    """The key of `kind` for the unit, period and targets, with parameters like the window."""
    return Key(kind, unit, period, targets, {"period_kind": period.kind, **params})


@dataclass(frozen=True)
class Served:
    """A result for the page: computed now, or a snapshot's (`computed_at` set)."""

    value: Any
    snapshot_id: int | None = None
    computed_at: datetime | None = None  # None: computed for this request
    needs_refresh: bool = False  # a stale or yesterday's snapshot: queue its refresh

    @property
    def from_snapshot(self) -> bool:
        return self.computed_at is not None


def cached_or_live(kind: str, unit: Unit, period: Period, targets: Targets, **params) -> Served:
    """The result of `kind`: its snapshot when the last computation was slow, else live."""
    key = snapshot_key(kind, unit, period, targets, **params)
    if period.start is None:  # all time: no key to keep it under
        return Served(_compute(key)[0])
    row = _row_of(key)
    if row is not None and row.duration_ms > live_limit_ms():
        return _served_snapshot(row)
    value, row = compute_and_keep(key)
    return Served(value, row.id)


def live_limit_ms() -> int:
    """Computations up to this long are done live for each request."""
    return int(current_app.config["COMPLIANCE_LIVE_LIMIT_MS"])


def _served_snapshot(row: ComplianceSnapshot) -> Served:
    value = decode(row.payload, COMPUTATIONS[row.kind].returns)
    return Served(value, row.id, row.computed_at, needs_refresh=not is_fresh(row))


def is_fresh(row: ComplianceSnapshot, today: date | None = None) -> bool:
    """Not marked stale, and computed today (Beijing): the pace and history count to today."""
    return not row.stale and periods.local_date(row.computed_at) == (today or periods.local_today())


def _row_of(key: Key) -> ComplianceSnapshot | None:
    conditions = [getattr(ComplianceSnapshot, name) == v for name, v in key.columns().items()]
    # populate_existing: a staleness UPDATE earlier in this session is seen.
    query = select(ComplianceSnapshot).where(*conditions)
    return db.session.scalar(query.execution_options(populate_existing=True))


def _compute(key: Key) -> tuple[Any, int]:
    """The key's result and how long it took, in milliseconds."""
    started = perf_counter()
    value = COMPUTATIONS[key.kind].compute(key.unit, key.period, key.targets, key.params)
    return value, int((perf_counter() - started) * 1000)


def compute_and_keep(key: Key) -> tuple[Any, ComplianceSnapshot]:
    """Compute the key now and keep the result, its time and how long it took (fresh when
    slow; a fast key's row only keeps its measurement)."""
    value, duration_ms = _compute(key)
    values = {
        "params": key.params,
        "payload": encode(value),
        "computed_at": utcnow(),
        "duration_ms": duration_ms,
        "stale": duration_ms <= live_limit_ms(),  # a fast key's row is never served
        "stale_since": None,
    }
    return value, _kept(key, values)


def _kept(key: Key, values: dict[str, Any]) -> ComplianceSnapshot:
    """Update the key's row, or add it (two first requests at once: one row, the later wins)."""
    row = _row_of(key)
    if row is None:
        _upsert({**key.columns(), **values})
        row = _row_of(key)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def _upsert(values: dict[str, Any]) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ComplianceSnapshot)
    statement = insert.values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in KEY_COLUMNS}
    db.session.execute(statement.on_conflict_do_update(index_elements=KEY_COLUMNS, set_=changed))


def key_of_row(row: ComplianceSnapshot) -> Key:
    """The key a snapshot is recomputed under: its unit, period and parameters, with the
    year's targets as they are now (new targets keep their result under a new key)."""
    params = dict(row.params)
    period = Period(row.period_start, row.period_end, params.pop("period_kind"))
    unit = db.session.get(Unit, row.unit_id)
    return snapshot_key(row.kind, unit, period, targets_for(period.year), **params)


def refresh_snapshot(snapshot_id: int) -> ComplianceSnapshot | None:
    """Recompute one snapshot (the refresh job's work); None when it no longer exists."""
    row = db.session.get(ComplianceSnapshot, snapshot_id)
    if row is None:
        return None
    return compute_and_keep(key_of_row(row))[1]


def refresh_stale_of(unit_ids: list[int], limit_ms: int) -> int:
    """Recompute now the stale snapshots of these units that took at most `limit_ms` last
    time (a coordinator's own unit after a roster upload); how many were recomputed."""
    rows = db.session.scalars(
        select(ComplianceSnapshot).where(
            ComplianceSnapshot.unit_id.in_(unit_ids),
            ComplianceSnapshot.stale.is_(True),
            ComplianceSnapshot.duration_ms > live_limit_ms(),  # fast ones are live anyway
            ComplianceSnapshot.duration_ms <= limit_ms,
        )
    ).all()
    for row in rows:
        compute_and_keep(key_of_row(row))
    return len(rows)


def snapshots_of(unit: Unit, period: Period) -> list[ComplianceSnapshot]:
    """The unit's snapshots of the period under today's targets (every kind and window)."""
    rows = db.session.scalars(
        select(ComplianceSnapshot)
        .where(
            ComplianceSnapshot.unit_id == unit.id,
            ComplianceSnapshot.period_start == period.start,
            ComplianceSnapshot.period_end == period.end,
        )
        .order_by(ComplianceSnapshot.id)
    )
    return [row for row in rows if key_of_row(row).settings_key == row.settings_key]
