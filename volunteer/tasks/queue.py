"""The app's task queue: Huey, with one task that runs a job by id and one periodic round.

Why Huey: it is a small, kept library whose one consumer runs on SQLite with no extra
service (a file in instance/, for `make run` and a single small server) and on Redis in
production (QUEUE_URL), with the same task code; RQ and Celery need Redis (or a broker)
even for `make run`. Tests use Huey's immediate mode (the same task body, run at once).
Messages carry only a job's id: the job's row is its truth (tasks/runner.py), so a lost or
repeated message costs nothing the periodic round does not put right. The round also
queues the compliance pre-warm (tasks/prewarm.py): refreshes of the slow reports' keys.
"""

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.signals import SIGNAL_INTERRUPTED

from volunteer.extensions import db
from volunteer.models import utcnow
from volunteer.tasks import prewarm, runner

EXTENSION = "job_queue"


@dataclass(frozen=True)
class JobQueue:
    """An app's Huey instance, its job task and its periodic round."""

    huey: Huey
    run_job: TaskWrapper
    maintain: TaskWrapper


def queue_for(app: Flask) -> JobQueue:
    """The app's queue, with its tasks registered, built on first use (`db upgrade` needs none)."""
    if app.extensions.get(EXTENSION) is None:
        app.extensions[EXTENSION] = _with_tasks(_build(app), app)
    return app.extensions[EXTENSION]


def _build(app: Flask) -> Huey:
    """Immediate in tests; Redis when QUEUE_URL is set; otherwise a SQLite file in instance/."""
    name, url = app.config["QUEUE_NAME"], app.config.get("QUEUE_URL")
    if app.config.get("QUEUE_IMMEDIATE"):
        return MemoryHuey(name, immediate=True, results=False)
    if url:
        return RedisHuey(name, url=url, results=False)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(Path(app.instance_path) / "queue.sqlite3"), results=False)


def _with_tasks(huey: Huey, app: Flask) -> JobQueue:
    """Register the job task and the periodic round, each run in an app context of `app`."""

    @huey.task(name="run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            try:
                runner.run_job(job_id)
            finally:
                db.session.remove()

    every = f"*/{app.config['JOB_MAINTENANCE_MINUTES']}"

    @huey.periodic_task(crontab(minute=every), name="maintain")
    def maintain() -> None:
        with app.app_context():
            try:
                waiting = runner.maintain(utcnow())
                waiting += prewarm.queue_prewarm()  # after: a lost job is re-sent first
            finally:
                db.session.remove()
        for job_id in waiting:
            run_job(job_id)

    @huey.signal(SIGNAL_INTERRUPTED)
    def requeue_interrupted(_signal, task, *_args, **_kwargs) -> None:
        """A job cut off by stopping the worker (SIGTERM) goes back on the queue at once."""
        if not isinstance(task, run_job.task_class):
            return
        with app.app_context():
            try:
                released = runner.release(*task.args)
            finally:
                db.session.remove()
        if released:
            run_job(*task.args)

    return JobQueue(huey, run_job, maintain)


def start_job(job_id: int) -> None:
    """Put a committed job on the queue (a worker runs it; in tests, at once)."""
    queue_for(current_app._get_current_object()).run_job(job_id)


def run_worker(app: Flask, workers: int) -> None:
    """Run the consumer in this process until it is stopped (SIGINT: after the running jobs)."""
    huey = queue_for(app).huey
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
