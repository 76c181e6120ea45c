"""Roster upload benchmark: check, preview and confirm one large roster file.

Builds a scratch database (SQLite in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL, which is wiped) with one banner and an admin, makes a CSV roster of
N people (default 50,000, the ROSTER_MAX_ROWS limit) and times each step the upload and
confirm requests run: the row checks (`check_roster`), the plan shown in the preview, keeping
the checked file for the confirm (`save_pending`), reading it back on the confirming host,
and applying it (`apply_roster`: stints, links to volunteers, staleness, audit).

Usage: .venv/bin/python bench/bench_roster_upload.py [--rows 50000]
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import factories  # noqa: E402
from tests.roster_files import csv_bytes, person  # noqa: E402
from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.services import identity, rosters  # noqa: E402
from volunteer.services.demo import wushen_region_code  # noqa: E402


def roster_file(rows: int) -> bytes:
    """A valid CSV roster of `rows` distinct people."""
    people = []
    for index in range(rows):
        birth = date(1970, 1, 1) + timedelta(days=index // 400)
        number = identity.make_resident_id(wushen_region_code(birth), birth, index % 400 * 2)
        people.append(person(f"职工{index}", number, f"139{index:08d}"))
    return csv_bytes(people)


def timed(label: str, work):
    """Run `work`, print its wall time, return its result."""
    started = time.perf_counter()
    result = work()
    print(f"{label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench-roster-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        banner, admin = factories.make_unit("WS", "乌审旗"), factories.make_admin()
        db.session.commit()
        data = roster_file(args.rows)
        print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB, on {db.engine.dialect.name}")
        checked = timed(
            "check (upload request)",
            lambda: rosters.check_roster(data, "名册.csv", unit=banner, may_upload_for=bool),
        )
        assert checked.ok, checked.errors[:3]
        timed("plan (preview)", lambda: rosters.plan_roster(checked))
        token, digest = timed("keep for confirm (preview)", lambda: _saved(checked, admin))
        loaded = timed("read back (confirm request)", lambda: _loaded(token, digest, admin))
        timed("apply and commit (confirm request)", lambda: _applied(loaded, admin))


def _saved(checked, admin):
    kept = rosters.save_pending(checked, admin)
    db.session.commit()
    return kept


def _loaded(token, digest, admin):
    return rosters.load_pending(token, digest, admin)


def _applied(checked, admin):
    rosters.apply_roster(checked, admin)
    db.session.commit()


if __name__ == "__main__":
    main()
