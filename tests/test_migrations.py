"""The committed migrations build exactly the schema the models describe."""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, make_url, select, text

from tests import factories
from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import (
    ActivityYearMinutes,
    Adjustment,
    Base,
    CreditEntry,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    YearMinutes,
)
from volunteer.services import staleness


@pytest.fixture
def empty_database_url(tmp_path, database_url):
    """A fresh, empty database of the same kind as the suite's."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))  # DDL the ORM cannot express
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_upgrade_builds_the_model_schema_and_downgrade_removes_it(empty_database_url):
    migrations = os.path.join(os.path.dirname(__file__), "..", "migrations")
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=migrations)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        downgrade(directory=migrations, revision="base")
        with db.engine.connect() as connection:
            assert db.inspect(connection).get_table_names() in ([], ["alembic_version"])
        db.engine.dispose()


LEDGER_REVISION = "778b3bc37edd"


@pytest.fixture
def without_snapshots(monkeypatch):
    """The factories' services mark compliance snapshots stale; the older revisions these
    tests build data at have no snapshot table, so nothing is marked."""
    monkeypatch.setattr(staleness, "_mark", lambda *conditions: None)


def test_the_ledger_backfill_credits_overlapping_old_records_once(
    empty_database_url, without_snapshots
):
    """Records approved before the ledger keep their times; doubled minutes are dropped, with an
    adjustment saying so, and each Beijing day gets its own part."""
    migrations = os.path.join(os.path.dirname(__file__), "..", "migrations")
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=migrations, revision=f"{LEDGER_REVISION}-1")
        volunteer = factories.make_volunteer()
        team = factories.make_organization()
        night = factories.make_activity(
            team, starts_at=datetime(2026, 6, 14, 14, tzinfo=UTC), hours=8
        )
        for minutes in (480, 180):  # the second doubles 22:00-01:00 of the first
            db.session.add(
                ServiceRecord(
                    volunteer=volunteer,
                    activity=night,
                    check_in_at=night.starts_at,
                    check_out_at=night.starts_at + timedelta(minutes=minutes),
                    credited_minutes=minutes,
                    source=RecordSource.MANUAL,
                    status=RecordStatus.APPROVED,
                )
            )
        db.session.commit()
        upgrade(directory=migrations)
        by_day = dict(
            db.session.execute(
                select(CreditEntry.day, func.sum(CreditEntry.minutes)).group_by(CreditEntry.day)
            ).all()
        )
        assert sorted(by_day.values()) == [120, 360]  # 14 June 22:00-24:00, 15 June 00:00-06:00
        # Each piece names its record's activity, filled by a later revision.
        assert set(db.session.scalars(select(CreditEntry.activity_id))) == {night.id}
        # The year totals, added by a later revision, start as the backfilled ledger's sums.
        years = db.session.execute(select(YearMinutes.year, YearMinutes.minutes)).all()
        assert [tuple(row) for row in years] == [(2026, 480)]
        # So do the activities' (the doubled record credits nothing: no participation).
        activity_years = db.session.execute(
            select(
                ActivityYearMinutes.activity_id,
                ActivityYearMinutes.year,
                ActivityYearMinutes.minutes,
                ActivityYearMinutes.participations,
            )
        ).all()
        assert [tuple(row) for row in activity_years] == [(night.id, 2026, 480, 1)]
        (adjustment,) = db.session.scalars(select(Adjustment)).all()
        assert (adjustment.before_minutes, adjustment.after_minutes) == (180, 0)
        db.session.remove()
        db.engine.dispose()


STINTS_REVISION = "dce5867d03f9"


def test_roster_rows_become_stints_of_beijing_days_without_losing_any(
    empty_database_url, without_snapshots
):
    """Active rows are open stints from their creation's Beijing day; rows of people who
    left close on the Beijing day they left; both survive the upgrade whole."""
    migrations = os.path.join(os.path.dirname(__file__), "..", "migrations")
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=migrations, revision=f"{STINTS_REVISION}-1")
        db.session.execute(
            text(
                "INSERT INTO units (id, code, name, kind, path, depth, active, assessed,"
                " created_at) VALUES (1, 'WS', '乌审旗', 'banner', '/1/', 0, true, false,"
                " '2024-01-01 00:00:00')"
            )
        )
        rows = [  # id, active, created_at, deactivated_at (naive UTC)
            (1, True, "2024-03-01 17:30:00", None),  # 2 March in Beijing
            (2, False, "2024-03-01 02:00:00", "2024-05-31 16:30:00"),  # left 1 June
            (3, False, "2024-03-01 02:00:00", "2024-03-01 01:00:00"),  # never before it began
        ]
        for entry_id, active, created, left in rows:
            db.session.execute(
                text(
                    "INSERT INTO roster_entries (id, unit_id, name, id_type, id_number,"
                    " political_status, active, created_at, updated_at, deactivated_at)"
                    " VALUES (:id, 1, '职工', 'resident_id', :number, '13', :active, :created,"
                    " :created, :left)"
                ),
                {
                    "id": entry_id,
                    "number": f"15262719900101{entry_id:03d}X",
                    "active": active,
                    "created": created,
                    "left": left,
                },
            )
        db.session.commit()
        upgrade(directory=migrations, revision=STINTS_REVISION)
        stints = db.session.execute(
            text("SELECT id, on_from, on_until FROM roster_entries ORDER BY id")
        ).all()
        as_dates = [
            (row[0], str(row[1]), None if row[2] is None else str(row[2])) for row in stints
        ]
        assert as_dates == [
            (1, "2024-03-02", None),
            (2, "2024-03-01", "2024-06-01"),
            (3, "2024-03-01", "2024-03-01"),
        ]
        db.session.remove()
        db.engine.dispose()


LINKS_REVISION = "a3c9e1f47b20"


def insert_roster_entry(entry_id: int, unit_id: int, number: str, until: str | None) -> None:
    """A stint from 1 March 2024 as an older revision's table holds it (the model has more
    columns than the table at that revision, so the row is written by hand)."""
    db.session.execute(
        text(
            "INSERT INTO roster_entries (id, unit_id, name, id_type, id_number,"
            " political_status, on_from, on_until, created_at, updated_at)"
            " VALUES (:id, :unit, '职工', 'resident_id', :number, '13', '2024-03-01',"
            " :until, '2024-03-01 00:00:00', '2024-03-01 00:00:00')"
        ),
        {"id": entry_id, "unit": unit_id, "number": number, "until": until},
    )


def test_roster_entries_are_linked_to_the_volunteer_with_their_id_number_and_unlinked_back(
    empty_database_url, without_snapshots
):
    """The backfill links every stint of a registered person and no other; the downgrade
    drops the column and keeps every entry."""
    migrations = os.path.join(os.path.dirname(__file__), "..", "migrations")
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=migrations, revision=f"{LINKS_REVISION}-1")
        volunteer = factories.make_volunteer()
        unit = factories.make_unit("WS", "乌审旗")
        entries = [  # id, ID number, on_until: two stints of the volunteer, a stranger
            (1, volunteer.id_number, "2024-06-01"),
            (2, volunteer.id_number, None),
            (3, factories.resident_id(), None),
        ]
        for entry_id, number, until in entries:
            insert_roster_entry(entry_id, unit.id, number, until)
        volunteer_id = volunteer.id
        db.session.commit()
        upgrade(directory=migrations, revision=LINKS_REVISION)
        links = db.session.execute(
            text("SELECT id, volunteer_id FROM roster_entries ORDER BY id")
        ).all()
        assert [tuple(row) for row in links] == [(1, volunteer_id), (2, volunteer_id), (3, None)]
        db.session.commit()
        downgrade(directory=migrations, revision=f"{LINKS_REVISION}-1")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in db.inspect(connection).get_columns("roster_entries")}
        assert "volunteer_id" not in columns
        assert db.session.scalar(text("SELECT count(*) FROM roster_entries")) == 3
        db.session.remove()
        db.engine.dispose()


SHARED_REVISION = "a7c3e9d1f5b2"


def test_entries_whose_id_number_is_on_another_entry_are_marked_shared_and_unmarked_back(
    empty_database_url, without_snapshots
):
    """The backfill marks both stints of one person on one roster and a person on two units'
    rosters, never a person on one entry; the downgrade drops the column and keeps every entry."""
    migrations = os.path.join(os.path.dirname(__file__), "..", "migrations")
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=migrations, revision=f"{SHARED_REVISION}-1")
        town = factories.make_unit("WS", "乌审旗")
        village = factories.make_unit("WS-1", "一村", town)
        twice, two_units, alone = (factories.resident_id() for _ in range(3))
        entries = [  # id, unit, ID number, on_until
            (1, town.id, twice, "2024-06-01"),
            (2, town.id, twice, None),
            (3, town.id, two_units, None),
            (4, village.id, two_units, None),
            (5, village.id, alone, None),
        ]
        for entry_id, unit_id, number, until in entries:
            insert_roster_entry(entry_id, unit_id, number, until)
        db.session.commit()
        upgrade(directory=migrations, revision=SHARED_REVISION)
        marks = db.session.execute(
            text("SELECT id, id_number_shared FROM roster_entries ORDER BY id")
        ).all()
        assert [(row[0], bool(row[1])) for row in marks] == [
            (1, True),
            (2, True),
            (3, True),
            (4, True),
            (5, False),
        ]
        db.session.commit()
        downgrade(directory=migrations, revision=f"{SHARED_REVISION}-1")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in db.inspect(connection).get_columns("roster_entries")}
        assert "id_number_shared" not in columns
        assert db.session.scalar(text("SELECT count(*) FROM roster_entries")) == 5
        db.session.remove()
        db.engine.dispose()
