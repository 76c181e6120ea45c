"""Flask commands; each area keeps its commands in a module of its own."""

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask

from volunteer.extensions import db
from volunteer.services.errors import ServiceError


def register_commands(app: Flask) -> None:
    """Attach every command and command group to the app's CLI."""
    from volunteer.cli import accounts, backup, certificates, compliance, demo, jobs, records

    for command in (
        accounts.create_admin,
        backup.backup,
        demo.demo,
        records.group,
        compliance.group,
        certificates.group,
        jobs.group,
    ):
        app.cli.add_command(command)


@contextmanager
def service_errors_as_click() -> Iterator[None]:
    """Report a refused service call as a command error, with nothing half-written."""
    try:
        yield
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
