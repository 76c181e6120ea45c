"""The committed migrations build exactly the schema the models describe."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import Base


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
