"""Page sizes and times on a generated database: is any page over 200 KB, or over 2 s?

Issue 15: no page over 200 KB of HTML at province scale, and no request over 2 s. This
script signs in as the bench admin (who sees everything, so every list is at its longest)
and fetches the staff pages for the root unit, the unit with the largest roster, the
activity with the most records, the project with the most activities, and the site-wide
lists (then, as the volunteer with the most records, that volunteer's own lists), twice
each (the first view may compute what later views read from a snapshot), printing bytes
and times.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_county \
        .venv/bin/python bench/bench_page_sizes.py

Prints figures; asserts nothing.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_compliance import _bench_admin  # noqa: E402
from bench.real_queue import app_with_real_queue  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import Activity, RosterEntry, ServiceRecord, Volunteer  # noqa: E402
from volunteer.services import compliance  # noqa: E402

PAGE_BUDGET = 200 * 1024
TIME_BUDGET_MS = 2000
SITE_PAGES = (
    "/",
    "/activities/",
    "/activities/manage",
    "/admin/audit",
    "/admin/grants",
    "/admin/organizations",
    "/admin/units",
    "/auth/register",
    "/campaign/",
    "/certificates/",
    "/certificates/all",
    "/certificates/people",
    "/compliance/",
    "/network/coverage",
    "/network/honours",
    "/network/nominations",
    "/network/projects",
    "/network/recognition",
    "/records/review",
    "/units/",
)
UNIT_PAGES = (
    "/admin/units/{id}",
    "/campaign/units/{id}",
    "/compliance/units/{id}",
    "/compliance/units/{id}/missing",
    "/compliance/units/{id}/reminders",
    "/compliance/units/{id}/roster",
    "/network/coverage/units/{id}",
    "/network/recognition/units/{id}",
    "/units/{id}",
)
# For the activity with the most records (its lists are at their longest). /records/review,
# earlier among the site pages, has already swept the stale check-outs these pages sweep.
ACTIVITY_PAGES = (
    "/activities/{id}",
    "/records/activities/{id}",
    "/checkin/activities/{id}/screen",
    "/checkin/activities/{id}/live.json",
)
PROJECT_PAGES = ("/network/projects/{id}",)  # the project with the most activities
# Fetched as the volunteer with the most records (an admin has no records of their own).
VOLUNTEER_PAGES = ("/activities/mine", "/records/claim", "/records/mine")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args(argv)
    if not args.database_url:
        raise SystemExit("Set BENCH_DATABASE_URL (a database made by bench/generate.py).")
    with app_with_real_queue(args.database_url) as app:
        fetch_all(app)


def fetch_all(app) -> None:
    """Fetch every page as the bench admin and list those over a budget."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")
    client = app.test_client(user=_bench_admin())
    over = [fetch(client, page) for page in pages()]
    busiest = _most(ServiceRecord.volunteer_id)
    if busiest is not None:
        # A fresh app context: the signed-in user is kept in `g`, which lives as long as it.
        with app.app_context():
            volunteer = app.test_client(user=db.session.get(Volunteer, busiest).user)
            over += [fetch(volunteer, page) for page in VOLUNTEER_PAGES]
    problems = [line for line in over if line]
    print(f"{len(problems)} pages over {PAGE_BUDGET // 1024} KB or {TIME_BUDGET_MS} ms")
    for line in problems:
        print("  " + line)


def pages() -> list[str]:
    """The site's lists, then each unit page for the root and for the largest roster."""
    root = compliance.root_unit()
    largest = db.session.scalar(
        select(RosterEntry.unit_id)
        .where(RosterEntry.active)
        .group_by(RosterEntry.unit_id)
        .order_by(func.count().desc())
        .limit(1)
    )
    units = [root.id] + ([largest] if largest and largest != root.id else [])
    listed = list(SITE_PAGES) + [page.format(id=unit) for unit in units for page in UNIT_PAGES]
    for column, shapes in (
        (ServiceRecord.activity_id, ACTIVITY_PAGES),
        (Activity.project_id, PROJECT_PAGES),
    ):
        found = _most(column)
        listed += [page.format(id=found) for page in shapes] if found is not None else []
    return listed


def _most(column) -> int | None:
    """The value of `column` (not null) on the most rows of its table: the longest list."""
    return db.session.scalar(
        select(column)
        .where(column.is_not(None))
        .group_by(column)
        .order_by(func.count().desc())
        .limit(1)
    )


def fetch(client, page: str) -> str:
    """Fetch the page twice; print its size and both times; the problem, if any."""
    times, body, status = [], b"", 0
    for _ in range(2):
        started = time.perf_counter()
        response = client.get(page)
        times.append((time.perf_counter() - started) * 1000)
        body, status = response.data, response.status_code
        db.session.rollback()  # the requests share this app context's session
    size = f"{len(body) / 1024:8.1f} KB"
    print(f"{page:<40} {status} {size}  {times[0]:8.0f} ms, then {times[1]:6.0f} ms")
    if len(body) > PAGE_BUDGET or min(times) > TIME_BUDGET_MS:
        return f"{page}: {len(body) / 1024:.0f} KB, {times[0]:.0f} / {times[1]:.0f} ms"
    return ""


if __name__ == "__main__":
    main()
