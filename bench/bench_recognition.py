"""Recognition rankings: each category's list for the root and for a town, timed apart.

Issue 15: no request over 2 s at county or province scale. The recognition page computes
the four lists of its subtree (volunteers, leaders, organizations, projects) on every view;
this script times `recognition.ranking` for each, for the root (the whole tree) and for the
direct sub-unit with the most volunteers, with the year's saved criteria (or the defaults).
Reads only; the database is one made by bench/generate.py.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_county \
        .venv/bin/python bench/bench_recognition.py [--year 2026] [--repeat 3]

Prints the best and worst of --repeat runs and the list's length; asserts nothing.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import HonourCategory, Unit, Volunteer  # noqa: E402
from volunteer.services import compliance  # noqa: E402
from volunteer.services.network import recognition  # noqa: E402
from volunteer.services.periods import local_today  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.database_url:
        raise SystemExit("Set BENCH_DATABASE_URL (a database made by bench/generate.py).")
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "APP_ENV": "testing"})
    with app.app_context():
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load}")
        year = args.year or local_today().year
        criteria = recognition.criteria_for(year)
        print(f"year {year}, {criteria}")
        for unit in (compliance.root_unit(), _largest_branch()):
            if unit is not None:
                _time_unit(unit, year, criteria, args.repeat)


def _largest_branch() -> Unit | None:
    """The root's direct sub-unit with the most volunteers (their work unit)."""
    return db.session.scalar(
        select(Unit)
        .join(Volunteer, Volunteer.unit_id == Unit.id)
        .where(Unit.parent_id == compliance.root_unit().id)
        .group_by(Unit.id)
        .order_by(func.count(Volunteer.id).desc())
        .limit(1)
    )


def _time_unit(unit: Unit, year: int, criteria, repeat: int) -> None:
    """Each category's ranking for the unit's subtree: best and worst of `repeat` runs."""
    for category in HonourCategory:
        times, found = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            found = recognition.ranking(category, year, criteria, unit)
            times.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        print(
            f"{unit.name[:12]:<12} {category.value:<12} {len(found):4d} listed"
            f"  {min(times):8.0f} ms best, {max(times):8.0f} ms worst"
        )


if __name__ == "__main__":
    main()
