"""`flask backup FILE` and `flask demo` under production (issue 10, finding 8)."""

import sqlite3
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import AuditEntry, User
from volunteer.services import backup

ROWS_PER_WRITE = 10


def write_until(app, stop: threading.Event, writes: list) -> None:
    """Commit batches of ROWS_PER_WRITE audit rows, one transaction each, until told to stop."""
    with app.app_context():
        while not stop.is_set():
            batch = f"write.{len(writes)}"
            db.session.add_all(AuditEntry(action=batch) for _ in range(ROWS_PER_WRITE))
            db.session.commit()
            writes.append(1)
        db.session.remove()


def audit_rows(database_file) -> int:
    restored = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_file}"})
    with restored.app_context():
        count = db.session.scalar(select(func.count(AuditEntry.id)))
        db.engine.dispose()
    return count


def test_a_sqlite_backup_taken_during_writes_restores_consistent(tmp_path):
    live = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}"})
    with live.app_context():
        db.create_all()
    stop, writes = threading.Event(), []
    writer = threading.Thread(target=write_until, args=(live, stop, writes))
    writer.start()
    try:
        while len(writes) < 20:
            stop.wait(0.01)
        result = live.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
        writes_at_backup = len(writes)
        while len(writes) < writes_at_backup + 20:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    copied = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copied.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copied.close()
    in_copy, in_live = audit_rows(tmp_path / "copy.sqlite3"), audit_rows(tmp_path / "live.sqlite3")
    assert in_copy % ROWS_PER_WRITE == 0  # whole transactions only
    assert 20 * ROWS_PER_WRITE <= in_copy < in_live


def test_a_backup_never_overwrites_a_file(runner, tmp_path):
    existing = tmp_path / "backup.sqlite3"
    existing.write_text("keep me")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_text() == "keep me"


def test_without_pg_dump_a_postgresql_backup_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    with pytest.raises(backup.BackupError, match="pg_dump was not found"):
        backup.backup_database(make_url("postgresql+psycopg://u@h/db"), tmp_path / "db.dump")


def test_a_postgresql_backup_is_a_pg_dump_archive(runner, postgres_only, tmp_path):
    destination = tmp_path / "volunteer.dump"
    result = runner.invoke(args=["backup", str(destination)])
    assert result.exit_code == 0, result.output
    assert destination.read_bytes().startswith(b"PGDMP")


def test_demo_refuses_under_production(app, runner):
    app.config["APP_ENV"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "APP_ENV=production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
