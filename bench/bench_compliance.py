"""Compliance benchmark: the full-tree report and one unit's drill-down, beside the floor.

The floor is one hand-written SQL aggregate computing the same root totals
(distinct roster people, registered, completed; party likewise) over the roster of
the period's last day (the stints covering it): no per-unit breakdown, no ORM.
Credited time is summed from the credit ledger by Beijing day, as the report reads
it. The report is `compliance_report` for the whole tree (every unit's row plus the
distinct-people totals), through the ORM as the pages run it. Last year's report is
timed too: the roster of its last day, which later uploads have changed. The page's
overview (`compliance_overview`: the root's own roster row and each direct sub-unit's
subtree) is timed beside it, and the root's compliance page itself through Flask's test
client (signed in as a bench admin, made once in the bench database): its first view (which
only queues its keys and says "computing"), the jobs that compute them, run here as the
worker would, and later views from the kept snapshots, with HTML bytes (issue 15: no page
over 200 KB).

    python bench/bench_compliance.py                       # SQLite, small scale, built if missing
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_compliance \
        python bench/bench_compliance.py --scale county --generate   # PostgreSQL, county scale

Environment: BENCH_DATABASE_URL may name the database instead of --database-url.
Prints timings (best of --repeat warm runs) and ratios; asserts nothing.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, delete, inspect, select, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import SCALES, build_database, create_postgres_database  # noqa: E402
from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import (  # noqa: E402
    ComplianceSnapshot,
    Role,
    RosterEntry,
    Unit,
    User,
    Volunteer,
    utcnow,
)
from volunteer.services import (  # noqa: E402
    accounts,
    compliance,
    grants,
    periods,
    staleness,
)
from volunteer.services.compliance import snapshots  # noqa: E402
from volunteer.tasks import run_queued_jobs  # noqa: E402

BENCH_ADMIN_PHONE = "19900000001"

# Who completed: from the year totals the ledger keeps (what the report reads for a whole
# year), and, for comparison, summed from the ledger's pieces as before those totals.
DONE_FROM_YEAR_TOTALS = """
    SELECT volunteer_id FROM year_minutes WHERE year = :year AND minutes >= :min_minutes
"""
DONE_FROM_LEDGER = """
    SELECT volunteer_id FROM credit_entries
    WHERE day >= :first_day AND day <= :last_day AND minutes > 0
    GROUP BY volunteer_id HAVING sum(minutes) >= :min_minutes
"""
FLOOR_SQL = """
WITH done AS ({done}), people AS (
    SELECT re.id_number, max(re.volunteer_id) AS volunteer_id,
           max(CASE WHEN re.political_status IN ('01', '02') THEN 1 ELSE 0 END) AS party
    FROM roster_entries re JOIN units u ON u.id = re.unit_id
    WHERE re.on_from <= :last_day AND (re.on_until IS NULL OR re.on_until > :last_day)
      AND u.active AND u.path LIKE :prefix
    GROUP BY re.id_number
)
SELECT count(*) AS staff, count(p.volunteer_id) AS registered, count(d.volunteer_id) AS completed,
       sum(p.party) AS party,
       sum(CASE WHEN p.party = 1 AND p.volunteer_id IS NOT NULL THEN 1 ELSE 0 END)
           AS party_registered,
       sum(CASE WHEN p.party = 1 AND d.volunteer_id IS NOT NULL THEN 1 ELSE 0 END)
           AS party_completed
FROM people p
LEFT JOIN done d ON d.volunteer_id = p.volunteer_id
"""
# The same floor matching roster people to volunteers on the ID-number string, as before
# roster entries carried their volunteer's id.
FLOOR_BY_ID_NUMBER_SQL = """
WITH done AS ({done}), people AS (
    SELECT re.id_number,
           max(CASE WHEN re.political_status IN ('01', '02') THEN 1 ELSE 0 END) AS party
    FROM roster_entries re JOIN units u ON u.id = re.unit_id
    WHERE re.on_from <= :last_day AND (re.on_until IS NULL OR re.on_until > :last_day)
      AND u.active AND u.path LIKE :prefix
    GROUP BY re.id_number
)
SELECT count(*) AS staff, count(v.id) AS registered, count(d.volunteer_id) AS completed,
       sum(p.party) AS party,
       sum(CASE WHEN p.party = 1 AND v.id IS NOT NULL THEN 1 ELSE 0 END) AS party_registered,
       sum(CASE WHEN p.party = 1 AND d.volunteer_id IS NOT NULL THEN 1 ELSE 0 END)
           AS party_completed
FROM people p
LEFT JOIN volunteers v ON v.id_number = p.id_number
LEFT JOIN done d ON d.volunteer_id = v.id
"""


def best_of(repeat: int, work) -> tuple[float, object]:
    """Best and median wall time of `repeat` warm runs (after one warm-up)."""
    result = work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or "sqlite:///" + str(ROOT / "instance" / "bench_compliance.sqlite3"),
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument(
        "--generate", action="store_true", help="(re)build the data even if tables exist"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)

    engine = create_engine(url)
    needs_data = args.generate
    if not needs_data:
        try:
            needs_data = not inspect(engine).has_table("credit_entries")
        except Exception:
            needs_data = True
    if needs_data:
        engine.dispose()
        if url.startswith("postgresql"):
            create_postgres_database(url)
        engine = create_engine(url)
        summary = build_database(engine, SCALES[args.scale])
        print(f"generated {args.scale} in {summary.seconds:.1f} s: {summary.counts}")
    engine.dispose()

    # Jobs are queued as in production (the testing config runs them inside the request that
    # queues them, which would time the worker's computation as the page's first view).
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": False,
            "APP_ENV": "testing",
            "QUEUE_IMMEDIATE": False,
        }
    )
    with app.app_context():
        root = compliance.root_unit()
        year = periods.local_today().year
        period = periods.year_period(year)
        targets = compliance.targets_for(year)
        counts = {
            table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in (
                "units",
                "roster_entries",
                "volunteers",
                "service_records",
                "credit_entries",
            )
        }
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load} (other work skews timings)")
        print(
            f"database: {engine.dialect.name}; "
            + ", ".join(f"{k}={v:,}" for k, v in counts.items())
        )
        params = {
            "year": period.year,
            "first_day": period.start,
            "last_day": period.end,
            "min_minutes": targets.min_minutes,
            "prefix": root.path + "%",
        }

        def floor(done: str = DONE_FROM_YEAR_TOTALS, sql: str = FLOOR_SQL):
            return db.session.execute(text(sql.format(done=done)), params).one()

        def report():
            return compliance.compliance_report(root, period, targets)

        floor_best, floor_median, floor_row = best_of(args.repeat, floor)
        ledger_best, ledger_median, _ = best_of(args.repeat, lambda: floor(DONE_FROM_LEDGER))
        string_best, string_median, string_row = best_of(
            args.repeat, lambda: floor(sql=FLOOR_BY_ID_NUMBER_SQL)
        )
        report_best, report_median, full = best_of(args.repeat, report)
        total = full.total
        same = (
            total.staff,
            total.staff_registered,
            total.staff_completed,
            total.party,
            total.party_registered,
            total.party_completed,
        ) == tuple(int(value or 0) for value in floor_row)
        same = same and tuple(string_row) == tuple(floor_row)
        # The drill-down of the unit with the largest roster.
        biggest = max(full.rows, key=lambda row: row.figures.staff)
        unit = db.session.get(Unit, biggest.unit_id)
        drill_best, drill_median, missing = best_of(
            args.repeat, lambda: compliance.missing_people(unit, period, targets)
        )
        # A coordinator's page: the largest subtree one level below the banner.
        town_row = max(
            (row for row in full.rows if row.depth == root.depth + 1),
            key=lambda row: sum(other.path.startswith(row.path) for other in full.rows),
        )
        town = db.session.get(Unit, town_row.unit_id)
        town_best, town_median, town_report = best_of(
            args.repeat, lambda: compliance.compliance_report(town, period, targets)
        )
        history_best, history_median, _ = best_of(
            max(1, args.repeat // 2), lambda: compliance.compliance_history(root, period, targets)
        )

        def line(label: str, best: float, median: float) -> None:
            print(
                f"{label:<58} best {best * 1000:8.1f} ms  median {median * 1000:8.1f} ms"
                f"  ratio {best / floor_best:5.2f}x floor"
            )

        line("floor: one hand-written SQL aggregate (root totals)", floor_best, floor_median)
        line("  the same floor summing the ledger's pieces instead", ledger_best, ledger_median)
        line("  the same floor joining volunteers on the ID number", string_best, string_median)
        line(f"full-tree report ({len(full.rows)} unit rows + totals)", report_best, report_median)
        line(
            f"drill-down {biggest.code} ({biggest.figures.staff} people, {len(missing)} missing)",
            drill_best,
            drill_median,
        )
        line(f"subtree report {town.code} ({len(town_report.rows)} units)", town_best, town_median)
        line("rates over time for the whole tree (month ends)", history_best, history_median)
        print(
            f"report totals equal the floor's: {'yes' if same else 'NO'}"
            f" (staff {total.staff:,}, completed {total.staff_completed:,},"
            f" party {total.party:,}, party completed {total.party_completed:,})"
        )
        _root_page(app, root, period, targets, args.repeat, line)
        _snapshots(app, root, period, targets, args.repeat, line)
        _past_year(root, year - 1, args.repeat, params, line)
        target_ok = report_best <= 3 * floor_best and report_best < 1.0
        print(
            "target (report within 3x the floor and under 1 s; set for PostgreSQL at county"
            f" scale): {'met' if target_ok else 'NOT met'} here"
        )


def _root_page(app, root, period, targets, repeat: int, line) -> None:
    """The root's overview (the page's one report call) and the root's page through the test
    client: time and HTML bytes."""
    best, median, overview = best_of(
        repeat, lambda: compliance.compliance_overview(root, period, targets)
    )
    line(f"root overview ({len(overview.rows)} rows: own roster + sub-units)", best, median)
    app.test_client_class = FlaskLoginClient
    client = app.test_client(user=_bench_admin())
    url = f"/compliance/units/{root.id}?year={period.year}"
    _cached_root_page(app, client, url, repeat, line)


def _cached_root_page(app, client, url: str, repeat: int, line) -> None:
    """The page as production serves a large unit: its first view only queues its keys (the
    "computing" page); the worker's jobs compute them, here run in this process; later views
    read the kept snapshots."""
    kept = app.config["COMPLIANCE_LIVE_LIMIT_MS"]
    app.config["COMPLIANCE_LIVE_LIMIT_MS"] = 300  # production's line (config.py)
    try:
        db.session.execute(
            delete(ComplianceSnapshot).where(ComplianceSnapshot.unit_id == root_id(url))
        )
        db.session.commit()
        started = time.perf_counter()
        first = _page_bytes(client, url)
        first_ms = time.perf_counter() - started
        computing = "数据截至" not in first.decode()
        line(
            f"root page, first view (computing page: {computing}, {len(first):,} bytes)",
            first_ms,
            first_ms,
        )
        started = time.perf_counter()
        ran = run_queued_jobs()
        jobs_s = time.perf_counter() - started
        print(f"  the worker's jobs for it: {ran} in {jobs_s:.1f} s")
        best, median, body = best_of(repeat, lambda: _page_bytes(client, url))
    finally:
        app.config["COMPLIANCE_LIVE_LIMIT_MS"] = kept
    served = "数据截至" in body.decode()
    line(f"root page served from its snapshots ({served}, {len(body):,} bytes)", best, median)
    print(f"root page HTML: {len(body):,} bytes ({len(body) / 1024:.1f} KB; budget 200 KB)")


def root_id(url: str) -> int:
    """The unit id in a /compliance/units/<id> URL."""
    return int(url.split("/units/")[1].split("?")[0])


def _page_bytes(client, url: str) -> bytes:
    """The page's HTML, failing loudly on anything but a 200."""
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response.data


def _bench_admin() -> User:
    """The bench's admin account, made (and committed) the first time."""
    user = db.session.scalar(select(User).where(User.phone == BENCH_ADMIN_PHONE))
    if user is None:
        user = accounts.create_staff_account("基准管理员", BENCH_ADMIN_PHONE, "bench-password-1")
        grants.grant_role(user, Role.ADMIN, actor=None)
        db.session.commit()
    return user


def _past_year(root, year: int, repeat: int, params: dict, line) -> None:
    """Last year's full-tree report: the roster of its last day, later uploads left out."""
    past = periods.year_period(year)
    targets = compliance.targets_for(year)
    past_params = {
        **params,
        "year": past.year,
        "first_day": past.start,
        "last_day": past.end,
        "min_minutes": targets.min_minutes,
    }
    done = DONE_FROM_YEAR_TOTALS
    floor_row = db.session.execute(text(FLOOR_SQL.format(done=done)), past_params).one()
    best, median, report = best_of(
        repeat, lambda: compliance.compliance_report(root, past, targets)
    )
    line(f"last year's full-tree report (roster of {past.end})", best, median)
    total = report.total
    figures = (
        total.staff,
        total.staff_registered,
        total.staff_completed,
        total.party,
        total.party_registered,
        total.party_completed,
    )
    same = figures == tuple(int(value or 0) for value in floor_row)
    print(
        f"last year's totals equal its floor's: {'yes' if same else 'NO'}"
        f" (staff {total.staff:,}, completed {total.staff_completed:,})"
    )


def _snapshots(app, root, period, targets, repeat: int, line) -> None:
    """The full-tree report served from its snapshot (issue 15), and what a credit's staleness
    UPDATE costs the scan path: with no fresh snapshot, and with every unit's fresh."""
    app.config["COMPLIANCE_LIVE_LIMIT_MS"] = -1  # served from the snapshot once kept
    snapshots.cached_or_live(snapshots.REPORT, root, period, targets)
    best, median, served = best_of(
        repeat, lambda: snapshots.cached_or_live(snapshots.REPORT, root, period, targets)
    )
    line(f"full-tree report served from its snapshot ({served.from_snapshot})", best, median)
    person = db.session.scalar(
        select(Volunteer.id)
        .join(RosterEntry, RosterEntry.id_number == Volunteer.id_number)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .order_by(Unit.depth.desc())
        .limit(1)
    )
    db.session.execute(update(ComplianceSnapshot).values(stale=True))
    line("credit staleness UPDATE, no fresh snapshot", *_stale_timing(person, period, repeat))
    fresh = _fresh_snapshot_per_unit(period)
    label = f"credit staleness UPDATE, {fresh:,} fresh snapshots"
    line(label, *_stale_timing(person, period, repeat, refresh=True))
    db.session.rollback()


def _fresh_snapshot_per_unit(period) -> int:
    """A fresh (empty) snapshot for every unit, as if each unit's page were kept."""
    unit_ids = db.session.scalars(select(Unit.id).where(Unit.active.is_(True))).all()
    db.session.add_all(
        ComplianceSnapshot(
            kind="bench",
            unit_id=unit_id,
            period_start=period.start,
            period_end=period.end,
            settings_key="bench",
            params={},
            payload={},
            computed_at=utcnow(),
        )
        for unit_id in unit_ids
    )
    db.session.flush()
    return len(unit_ids)


def _stale_timing(person: int, period, repeat: int, refresh: bool = False):
    """Best and median time of `credit_changed` for one person (snapshots made fresh first)."""
    times = []
    for _ in range(repeat + 1):
        if refresh:
            db.session.execute(update(ComplianceSnapshot).values(stale=False))
        started = time.perf_counter()
        staleness.credit_changed(person, [period.year])
        times.append(time.perf_counter() - started)
    return min(times[1:]), statistics.median(times[1:])


if __name__ == "__main__":
    main()
