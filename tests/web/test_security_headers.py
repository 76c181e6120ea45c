"""Security headers: a Content-Security-Policy without inline code, no framing, nosniff, a
Referrer-Policy, HSTS in production, and nothing cached for a signed-in person or a download."""

import re
from pathlib import Path

import pytest

from tests import factories
from volunteer import create_app
from volunteer.access import PUBLIC, access

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# An inline <script> (one without src), a <style> block, a style="" or an on…="" attribute.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=[\"']|\son[a-z]+=[\"']", re.IGNORECASE
)


def test_pages_carry_the_policy_and_the_other_headers(client):
    response = client.get("/auth/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_each_header_is_sent_once_and_a_views_own_is_kept(app, client):
    @app.route("/test-own-policy")
    @access(PUBLIC)
    def own_policy():
        return "ok", 200, {"referrer-policy": "no-referrer", "X-Frame-Options": "SAMEORIGIN"}

    response = client.get("/test-own-policy")
    assert response.status_code == 200
    names = [name.lower() for name, _value in response.headers]
    assert len(names) == len(set(names))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


def test_only_the_vendored_api_reference_may_use_inline_styles(client):
    policy = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy


def test_no_template_holds_inline_script_or_style():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in INLINE_CODE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_anonymous_public_pages_may_be_cached(client):
    assert "no-store" not in client.get("/auth/login").headers.get("Cache-Control", "")


def test_pages_for_a_signed_in_person_are_never_stored(client, login_as):
    volunteer = factories.make_volunteer()
    login_as(volunteer.user)
    assert "no-store" in client.get("/me/").headers["Cache-Control"]
    assert "no-store" in client.get("/").headers["Cache-Control"]


def test_downloads_are_never_stored(client, login_as):
    town = factories.make_unit("WS-GLT", "嘎鲁图镇")
    factories.make_roster_entry(town, name="巴特尔")
    coordinator = factories.make_coordinator(town)
    login_as(coordinator)
    response = client.get(f"/compliance/units/{town.id}/missing.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client, login_as):
    login_as(factories.make_volunteer().user)
    response = client.get("/static/css/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("WEB_WORKERS", "1")
    return create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_sends_hsts(production):
    response = production.test_client().get("/auth/privacy", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
