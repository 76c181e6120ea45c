"""Two hosts for real (bench/two_hosts.py): two gunicorn servers with their own instance
folders and one job worker, on PostgreSQL and Redis, checked over HTTP."""

import pytest
from sqlalchemy import select

from bench import two_hosts
from tests import certificate_support as support
from tests import factories
from volunteer.extensions import db
from volunteer.models import BackgroundJob, JobStatus, UnitKind
from volunteer.tasks import CERTIFICATE_BATCH

pytestmark = pytest.mark.postgres


@pytest.fixture
def people(app):
    """A town with a coordinator and two people with approved time on its roster."""
    support.set_issuer()
    town = factories.make_unit(
        "WS-GLT", "嘎鲁图镇", factories.make_unit("WS", "乌审旗"), UnitKind.TOWN
    )
    activity = factories.make_activity(
        factories.make_organization(), starts_at=support.this_year_moment()
    )
    for name in ("其木格", "巴图"):
        volunteer = factories.make_volunteer(name)
        factories.make_roster_entry(town, volunteer)
        factories.make_record(volunteer, activity, 90)
    coordinator = factories.make_coordinator(town)
    other = factories.make_volunteer("乌兰").user
    db.session.commit()
    return {"town": town.id, "coordinator": coordinator.phone, "other": other.phone}


def test_what_one_host_starts_the_other_finishes(
    app, postgres_only, redis_url, database_url, people, tmp_path
):
    with two_hosts.Cluster(database_url, redis_url, tmp_path) as cluster:
        coordinator = (people["coordinator"], factories.PASSWORD)
        checks = two_hosts.run_checks(
            cluster, coordinator, (people["town"], "WS-GLT"), people["other"]
        )
        left = cluster.files_left_in_instances()
        logs = cluster.logs()
        worker = cluster.worker.pid
    assert [check.name for check in checks if not check.ok] == [], (checks, logs)
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.kind == CERTIFICATE_BATCH))
    assert job.status == JobStatus.DONE and job.done == 2
    assert job.worker.endswith(f":{worker}")  # the worker ran it, not a web host
    assert left == []  # nothing on one host's disk that another needs
