"""Pre-warm benchmark: the root compliance page's first view before and after a pre-warm round.

With production's live line (COMPLIANCE_LIVE_LIMIT_MS 300) on a bench database (made by
bench/generate.py; its snapshots and refresh jobs are deleted first):

- the first view as before pre-warming: a key never computed, computed in the request;
- the first view now, before any round: the "computing" page (its jobs left queued);
- the round: planning and queueing (the round's own cost), then the worker running the jobs;
- the first view after the round: served from the kept snapshots; likewise the largest town;
- the next round (what every JOB_MAINTENANCE_MINUTES costs);
- the reminders page's own figures and the registration drive, before and now.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_compliance \\
        python bench/bench_prewarm.py

Prints timings and the load average; asserts nothing.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from flask_login import FlaskLoginClient
from sqlalchemy import delete, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_compliance import _bench_admin  # noqa: E402
from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import BackgroundJob, ComplianceSnapshot, Unit  # noqa: E402
from volunteer.services import compliance, periods, registration_drive, reminders  # noqa: E402
from volunteer.services.compliance import prewarm  # noqa: E402
from volunteer.tasks import COMPLIANCE_REFRESH, refreshes, run_queued_jobs  # noqa: E402
from volunteer.tasks import prewarm as prewarm_jobs  # noqa: E402


def timed(work):
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def line(label: str, seconds: float) -> None:
    print(f"{label:<66} {seconds * 1000:9.1f} ms")


def load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def forget_everything() -> None:
    """No snapshot and no refresh job: every key never computed."""
    db.session.execute(delete(BackgroundJob).where(BackgroundJob.kind == COMPLIANCE_REFRESH))
    db.session.execute(delete(ComplianceSnapshot))
    db.session.commit()


def view(client, unit: Unit, year: int) -> tuple[float, str]:
    """One view of the unit's compliance page: its time and what it showed."""
    seconds, response = timed(lambda: client.get(f"/compliance/units/{unit.id}?year={year}"))
    body = response.get_data(as_text=True)
    if "正在计算" in body and 'data-testid="computing"' in body:
        shown = "computing page"
    else:
        shown = "from snapshots" if "数据截至" in body else "computed live"
    return seconds, f"{shown}, HTTP {response.status_code}"


def chart(client, unit: Unit, year: int) -> tuple[float, str]:
    """The page's history chart (its own request): time and whether it said "computing"."""
    url = f"/compliance/units/{unit.id}/history.svg?year={year}"
    seconds, response = timed(lambda: client.get(url))
    shown = "computing" if "正在计算" in response.get_data(as_text=True) else "drawn"
    return seconds, f"{shown}, HTTP {response.status_code}"


def largest_town(root: Unit) -> Unit:
    """The direct sub-unit of the root with the most units below it."""
    children = db.session.scalars(select(Unit).where(Unit.parent_id == root.id)).all()

    def size(unit: Unit) -> int:
        return db.session.scalar(select(func.count(Unit.id)).where(Unit.path.startswith(unit.path)))

    return max(children, key=size)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args(argv)
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "APP_ENV": "testing"})
    app.config["COMPLIANCE_LIVE_LIMIT_MS"] = 300  # production's line
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        _bench(app)


def _bench(app) -> None:
    root, year = compliance.root_unit(), periods.local_today().year
    town = largest_town(root)
    client = app.test_client(user=_bench_admin())
    print(f"machine: {os.cpu_count()} cores, load average {load()} at start")
    units = db.session.scalar(select(func.count(Unit.id)))
    print(f"database: {db.engine.dialect.name}; units={units:,}")

    forget_everything()
    least = app.config["COMPLIANCE_PREWARM_MIN_UNITS"]
    app.config["COMPLIANCE_PREWARM_MIN_UNITS"] = 10**9  # as before: nothing predicted slow
    seconds, shown = view(client, root, year)
    line(f"before: root page, first view ({shown})", seconds)
    seconds, shown = chart(client, root, year)
    line(f"before: root page's history chart, first view ({shown})", seconds)
    seconds, shown = view(client, town, year)
    line(f"before: {town.code} page, first view ({shown})", seconds)
    app.config["COMPLIANCE_PREWARM_MIN_UNITS"] = least

    forget_everything()
    started = refreshes.start_job
    refreshes.start_job = lambda job_id: None  # the worker has not run them yet
    try:
        seconds, shown = view(client, root, year)
    finally:
        refreshes.start_job = started
    line(f"now, no round yet: root page, first view ({shown})", seconds)

    forget_everything()
    seconds, plan = timed(prewarm.prewarm_plan)
    line(f"round: plan only ({len(plan)} keys, {len(prewarm.likely_slow_units())} units)", seconds)
    seconds, queued = timed(prewarm_jobs.queue_prewarm)
    line(f"round: plan and queue ({len(queued)} refresh jobs)", seconds)
    seconds, ran = timed(run_queued_jobs)
    line(f"worker: the {ran} jobs, one after another", seconds)
    seconds, shown = view(client, root, year)
    line(f"after the round: root page, first view ({shown})", seconds)
    seconds, shown = chart(client, root, year)
    line(f"after the round: root page's history chart ({shown})", seconds)
    seconds, shown = view(client, town, year)
    line(f"after the round: {town.code} page, first view ({shown})", seconds)
    seconds, queued = timed(prewarm_jobs.queue_prewarm)
    # Units whose live view just measured slow are warmed too (e.g. the town's history).
    line(f"next round ({len(queued)} jobs: keys of units measured slow since)", seconds)

    period, targets = periods.year_period(year), compliance.targets_for(year)
    seconds, _ = timed(lambda: compliance.compliance_report(root, period, targets))
    line("before: reminders' own figures of the root (its whole report)", seconds)
    seconds, _ = timed(lambda: reminders.unit_figures(root, period, targets))
    line("now: reminders' own figures of the root (one unit)", seconds)
    seconds, _ = timed(lambda: registration_drive.unregistered_by_unit(root, subtree=True))
    line("now: registration drive, the whole tree's counts", seconds)
    seconds, _ = timed(lambda: registration_drive.unregistered_by_unit(root, subtree=False))
    line("now: registration drive, the root's own count", seconds)
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
