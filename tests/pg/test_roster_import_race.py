"""Two imports of one roster preview at the same moment, on PostgreSQL (a double click on a
busy day, two workers): the second waits on the preview's row lock, finds it gone and fails,
so the roster is imported once."""

import threading
import time

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import BackgroundJob, JobStatus, RosterUpload
from volunteer.services import rosters
from volunteer.tasks import ROSTER_CHECK, ROSTER_IMPORT, create_job, roster_jobs, run_job

pytestmark = pytest.mark.postgres

# Long enough for the other import to reach the preview before the first one commits.
HOLD_SECONDS = 0.5


def _two_imports(coordinator, unit) -> list[int]:
    """A checked preview of `unit` and two queued imports of it (committed)."""
    rows = [person(f"职工{i}", factories.resident_id(), factories.phone()) for i in range(3)]
    token, name = rosters.keep_upload(csv_bytes(rows), "名册.csv", coordinator)
    check = create_job(
        ROSTER_CHECK, roster_jobs.check_params(unit, token, name, "merge"), coordinator
    )
    db.session.commit()
    run_job(check.id)
    check = db.session.get(BackgroundJob, check.id)
    _checked, _preview, digest = rosters.load_checked(check.outcome["token"], coordinator)
    params = roster_jobs.import_params(check.outcome["token"], digest, False)
    ids = [create_job(ROSTER_IMPORT, params, coordinator).id for _ in range(2)]
    db.session.commit()
    return ids


def test_two_imports_of_one_preview_at_once_import_it_once(app, postgres_only, monkeypatch):
    unit = factories.make_unit("WS", "乌审旗")
    coordinator = factories.make_coordinator(unit)
    db.session.commit()
    first_id, second_id = _two_imports(coordinator, unit)
    applied = threading.Event()
    apply_roster = rosters.apply_roster

    def applying_slowly(*args, **kwargs):
        upload = apply_roster(*args, **kwargs)
        applied.set()
        time.sleep(HOLD_SECONDS)  # the first import holds its transaction open
        return upload

    monkeypatch.setattr(rosters, "apply_roster", applying_slowly)

    def run(job_id):
        with app.app_context():
            try:
                run_job(job_id)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(first_id,)),
        threading.Thread(target=lambda: applied.wait(10) and run(second_id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db.session.expire_all()
    statuses = [db.session.get(BackgroundJob, job_id).status for job_id in (first_id, second_id)]
    assert statuses == [JobStatus.DONE, JobStatus.FAILED]
    assert db.session.scalar(select(func.count(RosterUpload.id))) == 1
