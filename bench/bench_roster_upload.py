"""Roster upload benchmark: check, preview and confirm one large roster file.

Builds a scratch database (SQLite in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL, which is wiped) with one banner and an admin, makes a CSV roster of
N people (default 50,000, the ROSTER_MAX_ROWS limit) and times each step the upload and
confirm requests run: the row checks (`check_roster`), the plan shown in the preview, keeping
the checked file for the confirm (`save_pending`), reading it back on the confirming host,
and applying it (`apply_roster`: stints, links to volunteers, staleness, audit).

Then the same file through the pages, as issue 15 asks (no request over 2 s): the upload
request (the file kept, a `roster_check` job queued), the check job as the worker runs it, the
preview page the job lands on, the confirm request (a `roster_import` job queued), the import
job, and the page it lands on; first on an empty roster (everyone added), then the same file
again (everyone unchanged: the preview compares every row with the kept roster).

Usage: .venv/bin/python bench/bench_roster_upload.py [--rows 50000]
"""

import argparse
import io
import os
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_login import FlaskLoginClient  # noqa: E402

from tests import factories  # noqa: E402
from tests.roster_files import csv_bytes, person  # noqa: E402
from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.services import identity, rosters  # noqa: E402
from volunteer.services.demo import wushen_region_code  # noqa: E402
from volunteer.tasks import runner  # noqa: E402

JOB_URL = re.compile(r"/jobs/(\d+)$")


def roster_file(rows: int, start: int = 0) -> bytes:
    """A valid CSV roster of `rows` distinct people (from person number `start`)."""
    people = []
    for index in range(start, start + rows):
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
    # Jobs go on a real (SQLite) queue in the scratch folder; the bench runs them as the
    # worker would, so the request and the job are timed apart.
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True}
    config |= {"QUEUE_IMMEDIATE": False, "INSTANCE_PATH": f"{folder}/instance"}
    app = create_app(config)
    with app.app_context():
        banner, admin = _fresh_world()
        data = roster_file(args.rows)
        print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB, on {db.engine.dialect.name}")
        print(f"load average {_load()}")
        print("-- the service functions --")
        checked = timed(
            "check (upload request)",
            lambda: rosters.check_roster(data, "名册.csv", unit=banner, may_upload_for=bool),
        )
        assert checked.ok, checked.errors[:3]
        timed("plan (preview)", lambda: rosters.plan_roster(checked))
        token, digest = timed("keep for confirm (preview)", lambda: _saved(checked, admin))
        loaded = timed("read back (confirm request)", lambda: _loaded(token, digest, admin))
        timed("apply and commit (confirm request)", lambda: _applied(loaded, admin))
        banner, admin = _fresh_world()
        app.test_client_class = FlaskLoginClient
        client = app.test_client(user=admin)
        for label in ("everyone added", "the same file again: everyone unchanged"):
            print(f"-- through the pages, {label} --")
            _through_the_pages(client, banner, data)
        # Small, but its unit keeps more than ROSTER_INLINE_ROWS stints: jobs as well, as
        # the check's plan and the import compare it with the whole kept roster.
        print("-- a small file (100 new people) into that roster --")
        _through_the_pages(client, banner, roster_file(100, start=60_000))
        print(f"load average {_load()}")


def _fresh_world():
    """An empty database with one banner and an admin."""
    db.drop_all()
    db.create_all()
    banner, admin = factories.make_unit("WS", "乌审旗"), factories.make_admin()
    db.session.commit()
    return banner, admin


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _through_the_pages(client, banner, data: bytes) -> None:
    """Upload, check job, preview, confirm, import job, landing: each request and job timed."""
    upload = timed("upload request (queues the check)", lambda: _upload(client, banner, data))
    check_id = _job_id(upload)
    timed("check job (worker)", lambda: runner.run_job(check_id))
    preview = timed("preview page (the check's landing)", lambda: _page(client, check_id))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview)[1]
    confirmed = timed(
        "confirm request (queues the import)",
        lambda: client.post("/compliance/rosters/confirm", data={"token": token}),
    )
    import_id = _job_id(confirmed)
    timed("import job (worker)", lambda: runner.run_job(import_id))
    landed = timed(
        "landing request (counts, own figures)",
        lambda: client.get(f"/compliance/rosters/imported/{import_id}"),
    )
    assert landed.status_code == 302, landed.status_code


def _upload(client, banner, data: bytes):
    return client.post(
        f"/compliance/units/{banner.id}/roster",
        data={"file": (io.BytesIO(data), "名册.csv"), "mode": "merge"},
        content_type="multipart/form-data",
    )


def _job_id(response) -> int:
    assert response.status_code == 302, response.status_code
    return int(JOB_URL.search(response.headers["Location"])[1])


def _page(client, check_id: int) -> str:
    response = client.get(f"/compliance/rosters/checked/{check_id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


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
