"""Errors under /api/ are JSON with a stable code and a status, never an HTML page; rate
limits apply per token and per address; no CSRF token is asked for bearer requests."""

from datetime import timedelta

import pytest

from tests import factories
from tests.api.conftest import bearer
from tests.conftest import IsolatedClient, _test_config
from volunteer import create_app
from volunteer.access import PUBLIC, access
from volunteer.extensions import db
from volunteer.models import utcnow
from volunteer.services import tokens


def _json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code and body["message"]
    return body


def test_unknown_addresses_and_methods_answer_json(client):
    _json_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    _json_error(client.get("/api/v2/me"), 404, "not_found")
    response = client.put("/api/v1/me")
    _json_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    page = client.get("/nothing-here")
    assert page.status_code == 404 and page.mimetype == "text/html"  # pages stay pages


def test_a_crash_is_a_json_500(app, client):
    @access(PUBLIC)
    def crash():
        raise RuntimeError("boom")

    app.add_url_rule("/api/v1/crash", "crash", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = _json_error(
        client.get("/api/v1/crash", headers={"Accept-Language": "en"}), 500, "server_error"
    )
    assert "boom" not in body["message"]


def test_an_api_endpoint_without_a_rule_is_refused(app, client):
    app.add_url_rule("/api/v1/undeclared", "undeclared", lambda: {"secret": 1})
    _json_error(client.get("/api/v1/undeclared"), 403, "forbidden")


def test_malformed_json_too_large_bodies_and_messages_in_english(app, client):
    response = client.post("/api/v1/tokens", data="{", content_type="application/json")
    _json_error(response, 400, "invalid_json")
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/api/v1/tokens", json={"login": "1" * 200, "password": "x"})
    _json_error(response, 413, "too_large")
    english = client.get("/api/v1/me", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert _json_error(english, 401, "unauthorized")["message"].startswith("Sign in first")
    chinese = client.get("/api/v1/me", headers={"Accept-Language": "zh-CN"})
    assert _json_error(chinese, 401, "unauthorized")["message"].startswith("请先登录")
    default = client.get("/api/v1/me")
    assert _json_error(default, 401, "unauthorized")["message"].startswith("请先登录")


@pytest.fixture
def limited_app(database_url, app):
    """`limited_app(**config)`: a client of an app with rate limits (and CSRF) on."""
    made = []

    def make(**config):
        limited = create_app({**_test_config(database_url), "RATELIMIT_ENABLED": True, **config})
        limited.test_client_class = IsolatedClient
        made.append(limited)
        return limited.test_client()

    yield make
    for limited in made:
        with limited.app_context():
            db.engine.dispose()


def test_sign_ins_are_limited_per_address(limited_app, world):
    client = limited_app(API_TOKEN_RATE_LIMIT="2 per minute")
    body = {"login": world["volunteer"].phone, "password": "wrong"}
    for _ in range(2):
        assert client.post("/api/v1/tokens", json=body).status_code == 401
    _json_error(client.post("/api/v1/tokens", json=body), 429, "rate_limited")


def _not_yet_open_qr(world) -> str:
    later = factories.make_activity(
        world["activity"].organization, starts_at=utcnow() + timedelta(hours=5)
    )
    db.session.commit()
    step = tokens.step_at(utcnow())
    return f"/checkin/s/{later.id}/{step}/{tokens.code_for(later, step)}"  # refused: 409


def test_scans_are_limited_per_token(limited_app, world):
    client = limited_app(CHECKIN_SCAN_RATE_LIMIT="2 per minute")
    body = {"qr": _not_yet_open_qr(world)}
    first, second = bearer(world["volunteer"]), bearer(world["organizer"])
    for _ in range(2):
        assert client.post("/api/v1/scan", json=body, headers=first).status_code == 409
    _json_error(client.post("/api/v1/scan", json=body, headers=first), 429, "rate_limited")
    assert client.post("/api/v1/scan", json=body, headers=second).status_code == 409


def test_scans_are_limited_per_address(limited_app, world):
    client = limited_app(API_SCAN_ADDRESS_RATE_LIMIT="3 per minute")
    body = {"qr": _not_yet_open_qr(world)}
    for role in ("volunteer", "organizer", "coordinator"):
        assert (
            client.post("/api/v1/scan", json=body, headers=bearer(world[role])).status_code == 409
        )
    response = client.post("/api/v1/scan", json=body, headers=bearer(world["other_organizer"]))
    _json_error(response, 429, "rate_limited")


def test_bearer_requests_need_no_csrf_token_while_forms_still_do(limited_app, world):
    client = limited_app(WTF_CSRF_ENABLED=True)
    body = {"login": world["volunteer"].phone, "password": factories.PASSWORD}
    assert client.post("/api/v1/tokens", json=body).status_code == 201
    assert client.post("/auth/login", data=body).status_code == 400


def test_the_reference_page_renders_the_document_from_the_app_s_own_files(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/api/v1/openapi.json" in page and "https://" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert client.get(f"/static/vendor/swagger-ui-dist/{asset}").status_code == 200
