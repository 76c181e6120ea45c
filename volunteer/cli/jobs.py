"""`flask jobs ...`: the worker that runs background jobs, and its housekeeping by hand."""

import click
from flask import current_app
from flask.cli import AppGroup

from volunteer import tasks
from volunteer.extensions import db
from volunteer.models import utcnow
from volunteer.services import files

group = AppGroup("jobs", help="Background jobs (certificate batches, whole-tree exports).")


@group.command("worker")
@click.option("--workers", type=int, help="Jobs run at once (default QUEUE_WORKERS).")
def worker(workers: int | None) -> None:
    """Run queued jobs until stopped (SIGINT waits for running jobs; SIGTERM requeues them)."""
    app = current_app._get_current_object()
    where = app.config.get("QUEUE_URL") or "instance/queue.sqlite3"
    click.echo(f"Job worker on {where.split('@')[-1]}", err=True)
    tasks.run_worker(app, workers or app.config["QUEUE_WORKERS"])


@group.command("run-queued")
def run_queued() -> None:
    """Run in this process every job still queued, and those a lost worker abandoned."""
    click.echo(f"{tasks.run_queued_jobs()} queued jobs run.")


@group.command("cleanup")
def cleanup() -> None:
    """Delete expired files (finished jobs' files, old roster previews) now, and objects in
    the object store that no file names."""
    count = files.remove_expired(utcnow())
    db.session.commit()
    orphans = files.remove_orphaned_objects(utcnow())
    click.echo(f"{count} expired files deleted, {orphans} orphaned objects deleted.")
