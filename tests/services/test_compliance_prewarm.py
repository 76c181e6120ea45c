"""Pre-warming the compliance snapshots: which keys the worker's round picks, its jobs
deduplicated with those queued, nothing picked when fresh, and the line between a large
subtree (predicted slow) and a small one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tests import factories as f
from tests.certificate_support import this_year_moment
from volunteer.extensions import db
from volunteer.models import (
    BackgroundJob,
    ComplianceSnapshot,
    JobStatus,
    UnitKind,
    Volunteer,
    utcnow,
)
from volunteer.services import compliance as c
from volunteer.services import periods, staleness
from volunteer.services.compliance import prewarm, snapshots
from volunteer.services.compliance.snapshots import FULL, HISTORY, PACE, REPORT
from volunteer.tasks import COMPLIANCE_REFRESH, create_job, queue_for, run_job
from volunteer.tasks import prewarm as prewarm_jobs
from volunteer.tasks.compliance_refresh import key_refresh_params

THIS_YEAR = periods.local_today().year
PERIOD = periods.year_period(THIS_YEAR)
LAST_YEAR = periods.year_period(THIS_YEAR - 1)
PAGE = {REPORT, PACE, HISTORY}


@pytest.fixture
def tree(app):
    """乌审旗 (5 units) > 嘎鲁图镇 (3: two villages) and 旗教育局 (1); large from 3 units."""
    app.config["COMPLIANCE_PREWARM_MIN_UNITS"] = 3
    root = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", parent=root, kind=UnitKind.TOWN)
    villages = [
        f.make_unit(f"V{i}", f"嘎查{i}", parent=town, kind=UnitKind.VILLAGE) for i in (1, 2)
    ]
    sibling = f.make_unit("D1", "旗教育局", parent=root)
    activity = f.make_activity(f.make_organization(), starts_at=this_year_moment(), hours=4)
    for unit in (town, *villages, sibling):
        person = f.make_volunteer()
        f.make_roster_entry(unit, person)
        f.make_record(person, activity, 90)
    db.session.commit()
    return {"root": root, "town": town, "village": villages[0], "sibling": sibling}


@pytest.fixture
def cached(app):
    """Every computation counts as slow."""
    app.config["COMPLIANCE_LIVE_LIMIT_MS"] = -1


def serve(kind, unit, period=PERIOD):
    params = {"window": c.window_days()} if kind == PACE else {}
    return snapshots.cached_or_live(kind, unit, period, c.targets_for(period.year), **params)


def picked(plan) -> set[tuple[int, str]]:
    """(unit id, kind) of each planned refresh, by key or by snapshot."""
    kinds = dict(db.session.execute(select(ComplianceSnapshot.id, ComplianceSnapshot.kind)).all())
    return {(w.unit_id, w.key["kind"] if w.key else kinds[w.snapshot_id]) for w in plan}


def refresh_jobs() -> list[BackgroundJob]:
    return db.session.scalars(
        select(BackgroundJob).where(BackgroundJob.kind == COMPLIANCE_REFRESH)
    ).all()


def test_the_plan_picks_the_page_keys_of_large_subtrees_never_computed(tree):
    plan = prewarm.prewarm_plan()
    assert picked(plan) == {(tree[u].id, k) for u in ("root", "town") for k in PAGE}
    assert [w.unit_id for w in plan][:3] == [tree["root"].id] * 3  # the root first
    keys = {w.key["kind"]: w.key for w in plan if w.unit_id == tree["root"].id}
    assert keys[PACE]["params"] == {"period_kind": "year", "window": c.window_days()}
    assert keys[REPORT]["period_start"] == PERIOD.start.isoformat()
    assert keys[HISTORY]["period_end"] == PERIOD.end.isoformat()


def test_a_key_whose_computation_was_fast_is_not_picked(tree):
    for kind in PAGE:
        serve(kind, tree["root"])  # the tests' live limit: each measured fast
    assert picked(prewarm.prewarm_plan()) == {(tree["town"].id, k) for k in PAGE}


def test_nothing_is_picked_when_the_slow_snapshots_are_fresh(tree, cached):
    for unit in ("root", "town"):
        for kind in PAGE:
            serve(kind, tree[unit])
    assert prewarm.prewarm_plan() == []


def test_a_small_unit_with_a_slow_snapshot_is_warmed_too(tree, cached):
    serve(REPORT, tree["sibling"], LAST_YEAR)  # slow under another period
    assert snapshots.predicted_slow(tree["sibling"], REPORT)
    assert not snapshots.predicted_slow(tree["sibling"], PACE)
    assert not snapshots.predicted_slow(tree["village"], REPORT)
    assert {k for u, k in picked(prewarm.prewarm_plan()) if u == tree["sibling"].id} == PAGE


def test_stale_slow_snapshots_are_picked_by_their_id_whatever_their_key(tree, cached, app):
    app.config["COMPLIANCE_PREWARM_STALE_MINUTES"] = 0
    for unit in ("root", "town"):
        for kind in PAGE:
            serve(kind, tree[unit])
    serve(FULL, tree["sibling"], LAST_YEAR)  # the API's key, last year's
    staleness.tree_changed()
    plan = prewarm.prewarm_plan()
    rows = db.session.scalars(select(ComplianceSnapshot.id)).all()
    assert {w.snapshot_id for w in plan if w.snapshot_id} == set(rows) and len(rows) == 7
    by_key = {(w.unit_id, w.key["kind"]) for w in plan if w.key}
    assert by_key == {(tree["sibling"].id, k) for k in PAGE}  # slow once: its page warmed


def test_a_snapshot_stale_for_less_than_the_minutes_set_waits_for_a_later_round(tree, cached):
    for kind in PAGE:
        serve(kind, tree["root"])
    staleness.credit_changed(db.session.scalar(select(func.min(Volunteer.id))), [THIS_YEAR])
    rows = db.session.scalars(
        select(ComplianceSnapshot).execution_options(populate_existing=True)
    ).all()
    assert all(row.stale for row in rows)
    root = {w.snapshot_id for w in prewarm.prewarm_plan() if w.unit_id == tree["root"].id}
    assert root == set()  # just marked: a viewer's request queues it, the round waits
    later = utcnow() + timedelta(minutes=31)
    root = {w.snapshot_id for w in prewarm.prewarm_plan(later) if w.unit_id == tree["root"].id}
    assert root == {row.id for row in rows}


def test_yesterdays_snapshot_is_picked_for_a_running_period_not_for_a_past_one(tree, cached):
    serve(REPORT, tree["sibling"])
    serve(REPORT, tree["sibling"], LAST_YEAR)
    yesterday = periods.local_midnight(periods.local_today()) - timedelta(hours=1)
    db.session.execute(update(ComplianceSnapshot).values(computed_at=yesterday))
    this_year = {w.snapshot_id for w in prewarm.prewarm_plan() if w.snapshot_id}
    kept = db.session.scalars(
        select(ComplianceSnapshot.id).where(ComplianceSnapshot.period_end == PERIOD.end)
    ).all()
    assert this_year == set(kept)


def test_new_targets_warm_new_keys_and_leave_the_old_targets_rows(tree, cached):
    for kind in PAGE:
        serve(kind, tree["root"])
    c.save_targets(
        THIS_YEAR,
        staff_target=Decimal("0.6"),
        party_target=Decimal("0.9"),
        count_probationary=True,
        min_minutes=60,
        milestone=None,
        actor=None,
    )
    plan = prewarm.prewarm_plan()
    assert all(w.snapshot_id is None for w in plan)  # the old rows' keys are never asked again
    assert {(tree["root"].id, k) for k in PAGE} <= picked(plan)


def test_the_plan_reads_a_fixed_number_of_statements(tree, cached, count_queries):
    serve(REPORT, tree["sibling"])
    serve(REPORT, tree["sibling"], LAST_YEAR)  # each year's targets are read once
    staleness.tree_changed()
    with count_queries() as few:
        prewarm.prewarm_plan()
    for i in range(6):
        f.make_unit(f"V{i + 3}", f"新嘎查{i}", parent=tree["town"], kind=UnitKind.VILLAGE)
    serve(REPORT, tree["town"], LAST_YEAR)
    staleness.tree_changed()
    with count_queries() as many:
        prewarm.prewarm_plan()
    assert many.statements == few.statements


def test_the_round_queues_one_job_per_key_once(tree):
    first = prewarm_jobs.queue_prewarm()
    assert len(first) == 6 and len(refresh_jobs()) == 6
    assert all(job.created_by_id is None and job.params["key"] for job in refresh_jobs())
    assert prewarm_jobs.queue_prewarm() == []  # all six still queued
    assert len(refresh_jobs()) == 6


def test_the_round_skips_a_key_a_viewer_queued_already(tree):
    key = snapshots.snapshot_key(REPORT, tree["root"], PERIOD, c.targets_for(THIS_YEAR))
    params = key_refresh_params(snapshots.key_params(key), tree["root"].id, tree["root"].name)
    create_job(COMPLIANCE_REFRESH, params, f.make_admin())
    db.session.commit()
    assert len(prewarm_jobs.queue_prewarm()) == 5
    assert len(refresh_jobs()) == 6


def test_a_finished_job_no_longer_counts_as_queued(tree):
    for job_id in prewarm_jobs.queue_prewarm():
        db.session.execute(
            update(BackgroundJob).where(BackgroundJob.id == job_id).values(status=JobStatus.DONE)
        )
    assert len(prewarm_jobs.queue_prewarm()) == 6


def fail_jobs(job_ids, at) -> None:
    """Record the jobs as failed at `at`, as the runner does."""
    db.session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id.in_(job_ids))
        .values(status=JobStatus.FAILED, finished_at=at, error="timeout")
    )


def test_a_failed_key_waits_two_rounds_then_twice_as_long_after_each_failure(tree, app):
    round_minutes = app.config["JOB_MAINTENANCE_MINUTES"]
    now = utcnow()
    first = prewarm_jobs.queue_prewarm(now)
    fail_jobs(first[:1], now)
    later = [now + timedelta(minutes=round_minutes * rounds) for rounds in (1, 2)]
    assert prewarm_jobs.queue_prewarm(later[0]) == []  # the other five still queued
    retried = prewarm_jobs.queue_prewarm(later[1])
    assert len(retried) == 1
    assert prewarm_jobs.identity(db.session.get(BackgroundJob, retried[0]).params) == (
        prewarm_jobs.identity(db.session.get(BackgroundJob, first[0]).params)
    )
    fail_jobs(retried, later[1])  # the second failure: four rounds from it
    after = [later[1] + timedelta(minutes=round_minutes * rounds) for rounds in (3, 4)]
    assert prewarm_jobs.queue_prewarm(after[0]) == []
    assert len(prewarm_jobs.queue_prewarm(after[1])) == 1


def test_a_key_failing_all_day_is_still_tried_once_a_day(tree):
    now = utcnow()
    key_job = prewarm_jobs.queue_prewarm(now)[0]
    failures = [
        create_job(COMPLIANCE_REFRESH, db.session.get(BackgroundJob, key_job).params, None)
        for _ in range(12)
    ]
    db.session.flush()
    fail_jobs([key_job, *(job.id for job in failures)], now)
    assert prewarm_jobs.queue_prewarm(now + timedelta(hours=23)) == []
    assert len(prewarm_jobs.queue_prewarm(now + timedelta(days=1))) == 1


def test_a_failure_holds_back_only_its_own_key(tree):
    now = utcnow()
    jobs = prewarm_jobs.queue_prewarm(now)
    fail_jobs(jobs[:1], now)
    db.session.execute(
        update(BackgroundJob).where(BackgroundJob.id.in_(jobs[1:])).values(status=JobStatus.DONE)
    )
    assert len(prewarm_jobs.queue_prewarm(now + timedelta(seconds=1))) == 5


def test_a_key_job_computes_and_keeps_the_key_so_the_next_round_skips_it(tree, cached):
    for job_id in prewarm_jobs.queue_prewarm():
        assert run_job(job_id)
    assert all(job.status == JobStatus.DONE for job in refresh_jobs())
    kept = db.session.scalar(select(func.count(ComplianceSnapshot.id)))
    assert kept == 6
    assert prewarm.prewarm_plan() == []
    served = serve(REPORT, tree["root"])
    assert served.from_snapshot and served.value.total.staff == 4


def test_a_page_asking_pending_gets_nothing_computed_for_a_large_unit_only(tree):
    targets = c.targets_for(THIS_YEAR)
    large = snapshots.cached_or_live(REPORT, tree["root"], PERIOD, targets, pending_if_slow=True)
    small = snapshots.cached_or_live(REPORT, tree["village"], PERIOD, targets, pending_if_slow=True)
    assert large.pending and large.value is None
    assert not small.pending and small.value.total.staff == 1
    rows = db.session.scalars(select(ComplianceSnapshot.unit_id)).all()
    assert rows == [tree["village"].id]


def test_the_workers_periodic_round_queues_and_runs_the_pre_warm(app, tree):
    queue_for(app).maintain.call_local()  # the round's body; tests' queue runs jobs at once
    jobs = refresh_jobs()
    assert len(jobs) == 6 and {job.status for job in jobs} == {JobStatus.DONE}
    kept = db.session.scalars(select(ComplianceSnapshot.unit_id)).all()
    assert sorted(kept) == sorted([tree["root"].id] * 3 + [tree["town"].id] * 3)
