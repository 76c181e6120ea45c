"""`flask records close-stale`: the cron-able sweep of forgotten check-outs."""

import click
from flask.cli import AppGroup

from volunteer.extensions import db
from volunteer.models import utcnow
from volunteer.services import records

group = AppGroup("records", help="Service records.")


@group.command("close-stale")
def close_stale() -> None:
    """Close open records whose activity ended more than the grace ago as "missing check-out"."""
    closed = records.close_stale(utcnow())
    db.session.commit()
    click.echo(f"closed {closed} record(s) as missing check-out")
