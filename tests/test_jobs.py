"""Background jobs: the runner's rules, the `flask jobs` commands, and a real Huey consumer.

Pages run jobs in Huey's immediate mode (the same task body, at once); the last test here
runs them through `flask jobs worker` on the SQLite queue `make run` uses, and
tests/pg/test_two_hosts.py through one on Redis.
"""

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import certificate_support as support
from tests import factories
from tests.conftest import _test_config
from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import BackgroundJob, FileBlob, FileChunk, JobStatus, utcnow
from volunteer.printing import batches
from volunteer.services import files, periods, units
from volunteer.tasks import CERTIFICATE_BATCH, compliance_export, create_job, queue_for
from volunteer.tasks import runner as job_runner

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _world():
    support.set_issuer()
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner)
    activity = factories.make_activity(
        factories.make_organization(), starts_at=support.this_year_moment()
    )
    for name, unit in (("其木格", banner), ("巴图", town), ("乌兰", town)):
        person = factories.make_volunteer(name)
        factories.make_roster_entry(unit, person)
        factories.make_record(person, activity, 90)
    return factories.make_admin("批量管理员")


def _batch_job(admin, **row) -> BackgroundJob:
    """A queued certificate batch of 嘎鲁图镇 (two people), committed."""
    params = batches.unit_batch_params(units.get_unit_by_code("WS-GLT"), True, periods.this_year())
    job = create_job(CERTIFICATE_BATCH, {**params, "base_url": "https://zyz.example"}, admin)
    for name, value in row.items():
        setattr(job, name, value)
    db.session.commit()
    return job


def _pdf_of(job: BackgroundJob) -> bytes:
    return b"".join(files.iter_content(files.file_of_job(job)))


def test_run_queued_finishes_a_batch_and_keeps_its_pdf_in_the_database(app, runner):
    app.config["FILE_CHUNK_BYTES"] = 4096  # several chunks, read back in order
    job_id = _batch_job(_world()).id
    result = runner.invoke(args=["jobs", "run-queued"])
    assert result.exit_code == 0, result.output
    assert "1 queued jobs run" in result.output
    job = db.session.get(BackgroundJob, job_id)
    assert job.status == JobStatus.DONE and (job.done, job.total) == (2, 2)
    assert job.worker and job.heartbeat_at is not None
    blob = db.session.get(FileBlob, job.result_file_id)
    assert blob.chunks > 1 and blob.size == len(_pdf_of(job))
    assert len(support.pdf_reader(_pdf_of(job)).pages) == 4


def test_a_job_is_claimed_once_however_often_its_message_comes(app):
    job_id = _batch_job(_world()).id
    assert job_runner.run_job(job_id) is True
    assert job_runner.run_job(job_id) is False  # a repeated message: already done
    assert db.session.scalar(select(func.count(FileBlob.id))) == 1


def test_a_silent_running_job_is_queued_again_and_a_live_one_is_left_alone(app, runner):
    admin, now = _world(), utcnow()
    lost = _batch_job(admin, status=JobStatus.RUNNING, heartbeat_at=now - timedelta(hours=1))
    alive = _batch_job(admin, status=JobStatus.RUNNING, heartbeat_at=now - timedelta(minutes=1))
    ids = lost.id, alive.id
    assert runner.invoke(args=["jobs", "run-queued"]).exit_code == 0
    assert db.session.get(BackgroundJob, ids[0]).status == JobStatus.DONE
    assert db.session.get(BackgroundJob, ids[1]).status == JobStatus.RUNNING


def test_a_long_read_keeps_its_job_alive_without_ending_the_sessions_transaction(
    app, postgres_only, monkeypatch
):
    """The heartbeat comes from a connection of its own: the session's transaction (and the
    server-side cursor a stream reads in it) stays open, and the job is not taken for lost."""
    admin, long_ago = _world(), utcnow() - timedelta(hours=1)
    job_id = _batch_job(admin, status=JobStatus.RUNNING, heartbeat_at=long_ago).id
    monkeypatch.setattr(compliance_export, "KEEP_ALIVE_SECONDS", 0)
    db.session.execute(select(func.count(BackgroundJob.id)))  # a transaction, as a stream's
    read = list(compliance_export.kept_alive(iter("ab"), job_runner.JobProgress(job_id)))
    assert read == ["a", "b"] and db.session().in_transaction()
    with db.engine.connect() as other:
        beat = other.scalar(select(BackgroundJob.heartbeat_at).where(BackgroundJob.id == job_id))
    assert beat > long_ago + timedelta(minutes=59)
    db.session.rollback()
    job_runner.requeue_abandoned(utcnow())
    assert db.session.get(BackgroundJob, job_id).status == JobStatus.RUNNING


def test_a_job_cut_off_by_stopping_the_worker_goes_back_on_the_queue(app):
    from huey.signals import SIGNAL_INTERRUPTED

    admin = _world()
    job_id = _batch_job(admin, status=JobStatus.RUNNING, worker=job_runner._worker()).id
    elsewhere = _batch_job(admin, status=JobStatus.RUNNING, worker="other-host:1").id
    queue = queue_for(app)
    for cut_off in (job_id, elsewhere):
        queue.huey._emit(SIGNAL_INTERRUPTED, queue.run_job.s(cut_off))
    assert db.session.get(BackgroundJob, job_id).status == JobStatus.DONE  # released, run again
    assert db.session.get(BackgroundJob, elsewhere).status == JobStatus.RUNNING  # not ours


def test_the_periodic_round_resends_lost_messages_and_deletes_expired_files(app):
    admin, now = _world(), utcnow()
    waiting = _batch_job(admin, created_at=now - timedelta(hours=1)).id  # its message was lost
    fresh = _batch_job(admin).id
    job_runner.run_job(_batch_job(admin).id)
    kept = db.session.scalar(select(FileBlob))
    kept.expires_at = now - timedelta(seconds=1)
    db.session.commit()
    assert job_runner.maintain(now) == [waiting]
    assert db.session.scalar(select(func.count(FileChunk.seq))) == 0
    assert db.session.scalar(select(func.count(FileBlob.id))) == 0
    assert db.session.get(BackgroundJob, fresh).status == JobStatus.QUEUED


def test_a_failing_job_says_why_without_internals(app, monkeypatch):
    job_id = _batch_job(_world()).id

    def broken(*_args):
        raise RuntimeError("psycopg: secret internals")

    monkeypatch.setattr(batches, "write_batch", broken)
    job_runner.run_job(job_id)
    job = db.session.get(BackgroundJob, job_id)
    assert job.status == JobStatus.FAILED and job.result_file_id is None
    assert "secret" not in job.error and "日志" in job.error


def test_a_file_too_large_fails_the_job(app):
    app.config["GENERATED_FILE_MAX_BYTES"] = 1000
    job_id = _batch_job(_world()).id
    job_runner.run_job(job_id)
    job = db.session.get(BackgroundJob, job_id)
    assert job.status == JobStatus.FAILED and "过大" in job.error
    assert db.session.scalar(select(func.count(FileBlob.id))) == 0


def test_jobs_cleanup_deletes_expired_files_only(app, runner):
    admin = _world()
    for job_id in (_batch_job(admin).id, _batch_job(admin).id):
        job_runner.run_job(job_id)
    old = db.session.scalars(select(FileBlob).order_by(FileBlob.id)).first()
    old.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["jobs", "cleanup"])
    assert "1 expired files deleted" in result.output
    assert db.session.scalar(select(func.count(FileBlob.id))) == 1


def test_tests_run_jobs_in_immediate_mode_and_make_run_uses_a_sqlite_queue(app, tmp_path):
    from huey import SqliteHuey

    assert queue_for(app).huey.immediate
    config = {**_test_config("sqlite://"), "QUEUE_IMMEDIATE": False, "INSTANCE_PATH": tmp_path}
    huey = queue_for(create_app(config)).huey
    assert isinstance(huey, SqliteHuey) and huey.storage.filename == str(tmp_path / "queue.sqlite3")


WORKER_APP = """
from volunteer import create_app

app = create_app({config!r})
"""


@pytest.fixture
def sqlite_queue_worker(app, database_url, tmp_path):
    """`flask jobs worker` in its own process, on a SQLite queue in its own instance folder."""
    config = {**_test_config(database_url), "QUEUE_IMMEDIATE": False}
    config["INSTANCE_PATH"] = str(tmp_path / "instance")
    (tmp_path / "worker_app.py").write_text(WORKER_APP.format(config=config))
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("flask")), "--app", "worker_app", "jobs", "worker"],
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{PROJECT_ROOT}", "PATH": "/usr/bin:/bin"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield config, worker
    worker.terminate()
    worker.wait(timeout=30)
    log.close()


def wait_for_job(job_id: int, worker: subprocess.Popen, seconds: int = 120) -> BackgroundJob:
    """The job once it left the queue (polled; the test fails if the worker never gets to it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(BackgroundJob, job_id)
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.2)
    pytest.fail(f"job {job_id} was not run within {seconds} s")


def test_a_real_consumer_runs_a_batch_queued_by_another_process(app, sqlite_queue_worker):
    config, worker = sqlite_queue_worker
    job_id = _batch_job(_world()).id
    web = create_app(config)  # a web process of the same host: same instance folder, no worker
    with web.app_context():
        queue_for(web).run_job(job_id)  # onto the SQLite queue in instance/, not run here
        queue_for(web).huey.storage.close()
    job = wait_for_job(job_id, worker)
    assert job.status == JobStatus.DONE, job.error
    assert job.worker.endswith(f":{worker.pid}")
    assert len(support.pdf_reader(_pdf_of(job)).pages) == 4
