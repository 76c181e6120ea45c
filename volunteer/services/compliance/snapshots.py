"""Fresh and fast reports (issue 15): live when fast, else the last result kept in a snapshot.

Every computation of a key (kind, unit, period, settings) is timed and kept in its
`ComplianceSnapshot` row. The line between live and cached is that measured time against
COMPLIANCE_LIVE_LIMIT_MS: a key whose last computation took longer is served from its
snapshot, with the time it was computed; one that took less is computed again for each
request, so small subtrees are always live. A key never computed has no measurement, so its
first request computes it live and keeps it, and from then on the row says which side of the
line the key is on; except a key predicted slow (`predicted_slow`: a large subtree, or the
same unit and kind slow under another period or settings), which a page asking with
`pending_if_slow` gets as `Served.pending`: its computation goes to the refresh job and the
page says "computing" (the worker's round, tasks/prewarm.py, computes the default keys of
such units before anyone asks, so this is for other periods, windows and new targets).

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
from sqlalchemy import func, select
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
from volunteer.services.compliance.scope import subtree_clause
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
        return settings_key_of(self.targets, self.params)

    def columns(self) -> dict[str, Any]:
        """The key's values by column name."""
        values = (self.kind, self.unit.id, self.period.start, self.period.end, self.settings_key)
        return dict(zip(KEY_COLUMNS, values, strict=True))


def settings_key_of(targets: Targets, params: dict[str, Any]) -> str:
    """The settings hash of a key: the same for every unit asked with these values."""
    settings = {"targets": encode(targets), **params}
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


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
    pending: bool = False  # never computed and predicted slow: no value, the job computes it

    @property
    def from_snapshot(self) -> bool:
        return self.computed_at is not None


def cached_or_live(
    kind: str,
    unit: Unit,
    period: Period,
    targets: Targets,
    pending_if_slow: bool = False,
    **params,
) -> Served:
    """The result of `kind`: its snapshot when the last computation was slow, else live;
    with `pending_if_slow`, nothing (pending) for a never computed key predicted slow."""
    key = snapshot_key(kind, unit, period, targets, **params)
    if period.start is None:  # all time: no key to keep it under
        return Served(_compute(key)[0])
    row = _row_of(key)
    if row is not None and row.duration_ms > live_limit_ms():
        return _served_snapshot(row)
    if row is None and pending_if_slow and predicted_slow(unit, kind):
        return Served(None, pending=True)
    value, row = compute_and_keep(key)
    return Served(value, row.id)


def prewarm_min_units() -> int:
    """Subtrees of at least this many active units are predicted slow."""
    return int(current_app.config["COMPLIANCE_PREWARM_MIN_UNITS"])


def predicted_slow(unit: Unit, kind: str) -> bool:
    """Whether a never computed key of the unit is likely slow: its subtree has at least
    COMPLIANCE_PREWARM_MIN_UNITS active units, or the same kind of the unit took longer than
    the live limit under another period or settings. Two small reads (count, exists)."""
    subtree = select(func.count(Unit.id)).where(subtree_clause(unit))
    if db.session.scalar(subtree) >= prewarm_min_units():
        return True
    slow = select(ComplianceSnapshot.id).where(
        ComplianceSnapshot.unit_id == unit.id,
        ComplianceSnapshot.kind == kind,
        ComplianceSnapshot.duration_ms > live_limit_ms(),
    )
    return db.session.scalar(slow.limit(1)) is not None


def live_limit_ms() -> int:
    """Computations up to this long are done live for each request."""
    return int(current_app.config["COMPLIANCE_LIVE_LIMIT_MS"])


def _served_snapshot(row: ComplianceSnapshot) -> Served:
    value = decode(row.payload, COMPUTATIONS[row.kind].returns)
    return Served(value, row.id, row.computed_at, needs_refresh=not is_fresh(row))


def is_fresh(row: ComplianceSnapshot, today: date | None = None) -> bool:
    """Not marked stale, and computed today (Beijing): the pace and history count to today."""
    return not row.stale and periods.local_date(row.computed_at) == (today or periods.local_today())


def kept_row(key: Key) -> ComplianceSnapshot | None:
    """The key's row, if it was ever computed."""
    return _row_of(key)


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


def key_params(key: Key) -> dict[str, Any]:
    """The key as plain JSON values (a refresh job's parameters for a key with no row yet)."""
    return key_values(key.kind, key.period, key.params)


def key_values(kind: str, period: Period, params: dict[str, Any]) -> dict[str, Any]:
    """A key's kind, period and parameters (with its period kind) as plain JSON values."""
    dates = {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
    return {"kind": kind, **dates, "params": params}


def key_from_params(unit: Unit, values: dict[str, Any]) -> Key:
    """The key of `key_params`, under the year's targets as they are now."""
    params = dict(values["params"])
    start, end = (date.fromisoformat(values[name]) for name in ("period_start", "period_end"))
    period = Period(start, end, params.pop("period_kind"))
    return snapshot_key(values["kind"], unit, period, targets_for(period.year), **params)


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


def compute_key(unit: Unit, values: dict[str, Any]) -> ComplianceSnapshot:
    """Compute and keep the key of `key_params` (a refresh job for a key never computed)."""
    return compute_and_keep(key_from_params(unit, values))[1]


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
