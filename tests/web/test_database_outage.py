"""A database outage gives a clean 503 page (JSON under /api/), and the site recovers by
itself when the database is back, without a restart."""

import pytest
from sqlalchemy import event, text

from tests import factories
from volunteer import create_app
from volunteer.extensions import db

CLOSED_PORT_URL = "postgresql+psycopg://nobody@127.0.0.1:9/nothing?connect_timeout=2"


@pytest.fixture
def database_down(app):
    """Every new connection is refused until the test ends (the pool is emptied first)."""

    def refuse(*_args):
        raise db.engine.dialect.loaded_dbapi.OperationalError("connection refused")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "do_connect", refuse)
    yield refuse
    if event.contains(db.engine, "do_connect", refuse):
        event.remove(db.engine, "do_connect", refuse)


def test_pages_answer_503_with_a_page_while_the_database_is_down(client, database_down):
    response = client.get("/activities/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"


def test_the_api_answers_503_in_json(client, database_down):
    response = client.get("/api/v1/activities", headers={"Authorization": "Bearer wsv_x"})
    assert response.status_code == 503
    assert response.get_json()["code"] == "unavailable"


def test_a_signed_in_person_gets_the_page_too(client, login_as, database_down):
    event.remove(db.engine, "do_connect", database_down)
    login_as(factories.make_volunteer().user)
    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "do_connect", database_down)
    response = client.get("/me/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.get_data(as_text=True)


def test_the_site_recovers_without_a_restart(client, database_down):
    assert client.get("/activities/").status_code == 503
    event.remove(db.engine, "do_connect", database_down)
    assert client.get("/activities/").status_code == 200


def test_a_server_at_a_closed_port_gives_503_not_500():
    app = create_app({"SQLALCHEMY_DATABASE_URI": CLOSED_PORT_URL, "TESTING": True})
    response = app.test_client().get("/activities/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.get_data(as_text=True)


def test_connections_killed_on_the_server_are_replaced(client, postgres_only):
    """As after a PostgreSQL restart: every pooled connection dies; the next request works."""
    factories.make_activity(factories.make_organization())
    db.session.commit()
    assert client.get("/activities/").status_code == 200
    db.session.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    db.session.commit()
    db.session.remove()
    assert client.get("/activities/").status_code == 200
