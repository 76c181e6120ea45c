"""`flask backup FILE`: a consistent copy of the database while the site runs."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from volunteer.extensions import db
from volunteer.services.backup import BackupError, backup_database


@click.command("backup")
@with_appcontext
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup(destination: Path) -> None:
    """Back up the database into DESTINATION (SQLite: a database file; PostgreSQL: pg_dump)."""
    try:
        how = backup_database(db.engine.url, destination)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {destination} ({how}).")
