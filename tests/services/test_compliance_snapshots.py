"""Fresh and fast reports (issue 15): snapshots kept exactly, served past the live line, marked
stale along the path a change affects, and recomputed by the refresh job."""

import json
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from tests import factories as f
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import (
    ActivityYearMinutes,
    BackgroundJob,
    ComplianceSnapshot,
    CreditEntry,
    JobStatus,
    RecordStatus,
    ServiceRecord,
    UnitKind,
    YearMinutes,
)
from volunteer.services import compliance as c
from volunteer.services import ledger, periods, rosters, staleness
from volunteer.services.compliance import codec, snapshots
from volunteer.services.compliance.snapshots import HISTORY, PACE, REPORT
from volunteer.tasks import COMPLIANCE_REFRESH, compliance_refresh, create_job, start_job

THIS_YEAR = periods.local_today().year
PERIOD = periods.year_period(THIS_YEAR)
LAST_YEAR = periods.year_period(THIS_YEAR - 1)


@pytest.fixture
def tree(app):
    """乌审旗 > 嘎鲁图镇 > 萨如拉嘎查, and 旗教育局 beside the town; people on each roster."""
    root = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)
    village = f.make_unit("V1", "萨如拉嘎查", parent=town, kind=UnitKind.VILLAGE)
    sibling = f.make_unit("D1", "旗教育局", parent=root)
    activity = f.make_activity(f.make_organization(), starts_at=_moment(), hours=4)
    people = {}
    for unit in (town, village, sibling):
        people[unit.code] = f.make_volunteer()
        f.make_roster_entry(unit, people[unit.code])
        f.make_record(people[unit.code], activity, 90)
        f.make_roster_entry(unit)  # not registered
    db.session.flush()
    return {"root": root, "town": town, "village": village, "sibling": sibling, **people}


def _moment() -> datetime:
    from tests.certificate_support import this_year_moment

    return this_year_moment()


@pytest.fixture
def cached(app):
    """Every computation counts as slow: served from its snapshot once there is one."""
    app.config["COMPLIANCE_LIVE_LIMIT_MS"] = -1


def serve(kind, unit, period=PERIOD, **params):
    params = {"window": 30, **params} if kind == PACE else params
    return snapshots.cached_or_live(kind, unit, period, c.targets_for(period.year), **params)


def through_json(value, hint):
    return codec.decode(json.loads(json.dumps(codec.encode(value))), hint)


def stale_units(tree) -> set[str]:
    """Codes of the units with a stale snapshot."""
    rows = db.session.scalars(
        select(ComplianceSnapshot).execution_options(populate_existing=True)
    ).all()
    by_id = {tree[name].id: tree[name].code for name in ("root", "town", "village", "sibling")}
    return {by_id[row.unit_id] for row in rows if row.stale}


def snapshot_each_unit(tree, period=PERIOD) -> None:
    for name in ("root", "town", "village", "sibling"):
        serve(REPORT, tree[name], period)


# ---- kept exactly ----------------------------------------------------------------------


def test_a_report_pace_and_history_come_back_from_json_equal_to_the_live_result(tree):
    c.save_targets(
        THIS_YEAR,
        staff_target=Decimal("0.65"),
        party_target=Decimal("0.9"),
        count_probationary=False,
        min_minutes=60,
        milestone=Decimal("0.8"),
        actor=None,
    )
    targets = c.targets_for(THIS_YEAR)
    report = c.compliance_report(tree["root"], PERIOD, targets)
    pace = c.compliance_pace(tree["root"], PERIOD, targets, periods.local_today(), 30)
    history = c.compliance_history(tree["root"], PERIOD, targets)
    assert report.total.staff_completed == 3 and pace.units and history
    assert through_json(report, c.Report) == report
    assert through_json(pace, c.Pace) == pace
    assert through_json(history, list[c.HistoryPoint]) == history
    assert through_json(report, c.Report).root is tree["root"]


# ---- the live line -----------------------------------------------------------------------


def test_a_fast_key_is_computed_live_each_time_and_its_time_kept(tree):
    first = serve(REPORT, tree["town"])
    f.make_roster_entry(tree["town"])  # no hook: only a live computation sees it
    second = serve(REPORT, tree["town"])
    assert not first.from_snapshot and not second.from_snapshot
    assert second.value.total.staff == first.value.total.staff + 1
    row = db.session.get(ComplianceSnapshot, second.snapshot_id)
    assert row.duration_ms >= 0 and row.kind == REPORT
    assert row.stale  # only a measurement: never served, so no change needs to mark it


def test_a_slow_key_is_served_from_its_snapshot_after_its_first_live_computation(tree, cached):
    first = serve(REPORT, tree["town"])
    f.make_roster_entry(tree["town"])  # no hook: the snapshot does not know
    second = serve(REPORT, tree["town"])
    assert not first.from_snapshot  # never measured: computed live once, and kept
    assert second.from_snapshot and not second.needs_refresh
    assert second.value == first.value
    assert second.computed_at == db.session.get(ComplianceSnapshot, first.snapshot_id).computed_at


def test_a_stale_snapshot_is_still_served_but_asks_for_its_refresh(tree, cached):
    serve(PACE, tree["town"])
    staleness.roster_changed([tree["village"].id], periods.local_today())
    served = serve(PACE, tree["town"])
    assert served.from_snapshot and served.needs_refresh


def test_each_window_and_targets_are_their_own_key(tree, cached):
    serve(PACE, tree["town"], window=30)
    assert not serve(PACE, tree["town"], window=14).from_snapshot
    assert serve(PACE, tree["town"], window=30).from_snapshot
    c.save_targets(
        THIS_YEAR,
        staff_target=Decimal("0.5"),
        party_target=Decimal("0.9"),
        count_probationary=True,
        min_minutes=1,
        milestone=None,
        actor=None,
    )
    assert not serve(PACE, tree["town"], window=30).from_snapshot


# ---- stale along the affected path only --------------------------------------------------


def test_a_roster_upload_stales_its_unit_and_ancestors_not_siblings_nor_past_periods(tree, cached):
    snapshot_each_unit(tree)
    snapshot_each_unit(tree, LAST_YEAR)
    checked = rosters.check_roster(
        csv_bytes([person("新干部", f.resident_id(), f.phone())]),
        "名册.csv",
        unit=tree["village"],
        may_upload_for=lambda _unit: True,
    )
    rosters.apply_roster(checked, actor=None)
    assert stale_units(tree) == {"WS", "T1", "V1"}
    last_year = select(ComplianceSnapshot).where(ComplianceSnapshot.period_end < PERIOD.start)
    assert not any(row.stale for row in db.session.scalars(last_year))


def test_credited_time_stales_the_persons_units_and_ancestors_in_that_year_only(tree, cached):
    snapshot_each_unit(tree)
    snapshot_each_unit(tree, LAST_YEAR)
    activity = f.make_activity(f.make_organization(), starts_at=_moment(), hours=4)
    f.make_record(tree["V1"], activity, 30)  # through ledger.apply_credit
    assert stale_units(tree) == {"WS", "T1", "V1"}
    last_year = select(ComplianceSnapshot).where(ComplianceSnapshot.period_end < PERIOD.start)
    assert not any(row.stale for row in db.session.scalars(last_year))


def test_clearing_a_credit_stales_the_same_path(tree, cached):
    record = f.make_record(tree["D1"], f.make_activity(f.make_organization()), 30)
    snapshot_each_unit(tree)
    ledger.clear_credit(record)
    assert stale_units(tree) == {"WS", "D1"}


def test_registering_someone_on_a_roster_stales_their_units_path(tree, cached):
    snapshot_each_unit(tree)
    id_number = f.resident_id()
    f.make_roster_entry(tree["sibling"], id_number=id_number)
    f.make_volunteer(id_number=id_number)  # through accounts.register_volunteer
    assert stale_units(tree) == {"WS", "D1"}


def test_saving_targets_stales_that_years_snapshots_only(tree, cached):
    snapshot_each_unit(tree)
    snapshot_each_unit(tree, LAST_YEAR)
    c.save_targets(
        THIS_YEAR - 1,
        staff_target=Decimal("0.5"),
        party_target=Decimal("0.9"),
        count_probationary=True,
        min_minutes=1,
        milestone=None,
        actor=None,
    )
    rows = db.session.scalars(select(ComplianceSnapshot)).all()
    assert {row.period_start.year for row in rows if row.stale} == {THIS_YEAR - 1}
    assert not any(row.stale for row in rows if row.period_start.year == THIS_YEAR)


def test_a_change_to_the_unit_tree_stales_every_snapshot(tree, cached):
    snapshot_each_unit(tree)
    f.make_unit("D2", "旗卫健委", parent=tree["root"])
    assert stale_units(tree) == {"WS", "T1", "V1", "D1"}


def test_no_fresh_snapshot_no_change(tree, cached):
    snapshot_each_unit(tree)
    staleness.tree_changed()
    since = {row.id: row.stale_since for row in db.session.scalars(select(ComplianceSnapshot))}
    staleness.tree_changed()  # already stale: kept as they were
    rows = db.session.scalars(
        select(ComplianceSnapshot).execution_options(populate_existing=True)
    ).all()
    assert {row.id: row.stale_since for row in rows} == since


# ---- the scan path's cost ------------------------------------------------------------------


def statements_on_snapshots(app, work) -> list[str]:
    seen = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return [s for s in seen if "compliance_snapshots" in s]


def test_a_check_out_adds_one_statement_and_none_for_a_record_crediting_nothing(app, tree, cached):
    snapshot_each_unit(tree)
    activity = f.make_activity(f.make_organization(), starts_at=_moment(), hours=4)
    record = f.make_record(tree["V1"], activity, 60, status=RecordStatus.PENDING)
    closing = statements_on_snapshots(
        app, lambda: ledger.apply_credit(record, ledger.as_given(record, 60), first=True)
    )
    empty = f.make_record(tree["T1"], activity, 60, status=RecordStatus.PENDING)
    nothing = statements_on_snapshots(
        app, lambda: ledger.apply_credit(empty, ledger.as_given(empty, 0), first=True)
    )
    assert len(closing) == 1 and closing[0].lstrip().upper().startswith("UPDATE")
    assert nothing == []


def _credit_writes(app, record, minutes) -> list[str]:
    """The statements writing while `record` is credited `minutes` as a check-out credits
    them (it had nothing before): the record, the ledger, its totals and the marks."""
    seen = []

    def keep(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        plan = ledger.as_given(record, minutes)
        ledger.close_with_credit(record, plan, {"credited_minutes": minutes})
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def _kept_for(volunteer, activity) -> tuple:
    """The volunteer's ledger rows (day, minutes) and year total, the activity's totals, and
    the minutes the volunteer's record there says it credits, all as stored."""
    db.session.expire_all()
    pieces = db.session.execute(
        select(CreditEntry.day, CreditEntry.minutes).where(
            CreditEntry.volunteer_id == volunteer.id, CreditEntry.activity_id == activity.id
        )
    ).all()
    year = db.session.scalar(
        select(YearMinutes.minutes).where(
            YearMinutes.volunteer_id == volunteer.id, YearMinutes.year == THIS_YEAR
        )
    )
    totals = db.session.execute(
        select(ActivityYearMinutes.minutes, ActivityYearMinutes.participations).where(
            ActivityYearMinutes.activity_id == activity.id
        )
    ).one()
    stored = db.session.scalar(
        select(ServiceRecord.credited_minutes).where(
            ServiceRecord.volunteer_id == volunteer.id, ServiceRecord.activity_id == activity.id
        )
    )
    return [tuple(piece) for piece in pieces], year, tuple(totals), stored


def test_on_postgresql_a_one_piece_check_out_writes_in_one_statement_what_five_would(
    app, tree, cached, postgres_only, monkeypatch
):
    snapshot_each_unit(tree)
    activity = f.make_activity(f.make_organization(), starts_at=_moment(), hours=4)
    together = f.make_record(tree["V1"], activity, 60, status=RecordStatus.PENDING)
    apart = f.make_record(tree["D1"], activity, 60, status=RecordStatus.PENDING)

    one = _credit_writes(app, together, 45)
    assert len(one) == 1 and stale_units(tree) == {"WS", "T1", "V1"}
    day = _moment().date()
    assert _kept_for(tree["V1"], activity) == ([(day, 45)], 90 + 45, (45, 1), 45)

    monkeypatch.setattr(ledger, "_one_statement", lambda: False)
    five = _credit_writes(app, apart, 45)
    assert len(five) == 5 and stale_units(tree) == {"WS", "T1", "V1", "D1"}
    assert _kept_for(tree["D1"], activity) == ([(day, 45)], 90 + 45, (90, 2), 45)


# ---- the refresh job -----------------------------------------------------------------------


def test_the_refresh_job_recomputes_the_snapshot_and_keeps_no_file(tree, cached):
    served = serve(REPORT, tree["town"])
    f.make_roster_entry(tree["village"])  # no hook
    staleness.roster_changed([tree["village"].id], periods.local_today())
    params = compliance_refresh.refresh_params(served.snapshot_id, tree["town"])
    job = create_job(COMPLIANCE_REFRESH, params, f.make_admin())
    db.session.commit()
    start_job(job.id)
    job = db.session.scalar(
        select(BackgroundJob)
        .where(BackgroundJob.id == job.id)
        .execution_options(populate_existing=True)
    )
    assert job.status == JobStatus.DONE and job.result_file_id is None
    again = serve(REPORT, tree["town"])
    assert again.from_snapshot and not again.needs_refresh
    assert again.value.total.staff == served.value.total.staff + 1


def test_an_uploads_own_units_are_recomputed_at_once_when_quick_enough(tree, cached):
    for kind in (REPORT, PACE, HISTORY):
        serve(kind, tree["village"])
        serve(kind, tree["town"])
    staleness.roster_changed([tree["village"].id], periods.local_today())
    assert snapshots.refresh_stale_of([tree["village"].id], limit_ms=60_000) == 3
    assert stale_units(tree) == {"T1"}
    assert snapshots.refresh_stale_of([tree["town"].id], limit_ms=-1) == 0
