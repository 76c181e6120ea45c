"""A consistent copy of the database while the site keeps running: SQLite through its online
backup API, PostgreSQL through pg_dump (one snapshot transaction)."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(Exception):
    """The backup could not be taken; the message says why and what to do."""


def backup_database(url: URL, destination: Path) -> str:
    """Copy the database at `url` into `destination` (which must not exist); says how."""
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose a new file name.")
    if url.get_backend_name() == "sqlite":
        _backup_sqlite(url, destination)
        return "SQLite online backup"
    if url.get_backend_name() == "postgresql":
        _backup_postgresql(url, destination)
        return "pg_dump (custom format; restore with pg_restore)"
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")


def _backup_sqlite(url: URL, destination: Path) -> None:
    """The online backup API copies one consistent state even while others write."""
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory; there is no file to back up.")
    source = sqlite3.connect(url.database, timeout=30)
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _backup_postgresql(url: URL, destination: Path) -> None:
    """pg_dump in custom format; the password goes through the environment, not argv."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump was not found on PATH: install the PostgreSQL client tools"
            " (Debian: apt-get install postgresql-client) of the server's version."
        )
    environment = dict(os.environ, PGPASSWORD=url.password or "")
    libpq_url = url.set(drivername="postgresql", password=None).render_as_string()
    finished = subprocess.run(
        [pg_dump, "--format=custom", f"--file={destination}", f"--dbname={libpq_url}"],
        env=environment,
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        destination.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {finished.stderr.strip()}")
