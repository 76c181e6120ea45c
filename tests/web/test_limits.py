"""Limits on guessable things hold per account and per address, and the anonymous scan URL
tells nothing (issue 10, finding 4). The limiter counts in memory here, but for the code
budget counted in Redis at the end; the test through gunicorn (tests/web/test_shared_limits.py)
shows the counts are shared across workers."""

import random
import uuid
from datetime import timedelta

import pytest
from flask import current_app
from limits import parse
from werkzeug.exceptions import TooManyRequests

from tests import factories
from tests.conftest import IsolatedClient, _test_config
from volunteer import create_app
from volunteer.extensions import db, limiter
from volunteer.limits import count_code_guess, hit_in_turn
from volunteer.models import utcnow
from volunteer.services import tokens

WRONG = "wrong-password-1"


@pytest.fixture
def limited(database_url, app):
    """`limited(**settings)`: a client of an app with limits on (and one trusted proxy)."""
    apps = []

    def _client(**settings):
        db.session.commit()
        limited_app = create_app(
            {
                **_test_config(database_url),
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                "TRUSTED_PROXY_HOPS": 1,
                **settings,
            }
        )
        limited_app.test_client_class = IsolatedClient
        apps.append(limited_app)
        return limited_app.test_client()

    yield _client
    for limited_app in apps:
        with limited_app.app_context():
            db.engine.dispose()  # that app's own connection pool


def sign_in(client, login: str, password: str, address: str = "198.51.100.1"):
    return client.post(
        "/auth/login",
        data={"login": login, "password": password},
        headers={"X-Forwarded-For": address},
    )


def test_wrong_passwords_for_one_account_count_together_from_any_address(limited, app):
    volunteer = factories.make_volunteer("巴特尔")
    client = limited(LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    ways_to_name_it = [volunteer.user.phone, volunteer.id_number, volunteer.id_number.lower()]
    for number, login in enumerate(ways_to_name_it):
        assert sign_in(client, login, WRONG, f"203.0.113.{number}").status_code == 200
    refused = sign_in(client, volunteer.user.phone, factories.PASSWORD, "203.0.113.99")
    assert refused.status_code == 429
    other = factories.make_volunteer("其他人")
    db.session.commit()
    assert sign_in(client, other.user.phone, factories.PASSWORD, "203.0.113.99").status_code == 302


def test_sign_ins_from_one_address_are_limited_whatever_the_account(limited, app):
    client = limited(LOGIN_RATE_LIMIT="3 per minute")
    for number in range(3):
        assert sign_in(client, f"1390000000{number}", WRONG).status_code == 200
    assert sign_in(client, "13900000009", WRONG).status_code == 429
    assert sign_in(client, "13900000009", WRONG, "198.51.100.2").status_code == 200


def registration(number: int) -> dict:
    return {
        "name": f"新志愿者{number}",
        "id_type": "resident_id",
        "id_number": factories.resident_id(),
        "phone": factories.phone(),
        "password": factories.PASSWORD,
        "password_confirm": factories.PASSWORD,
        "political_status": "01",
        "unit_id": "",
        "privacy_consent": "y",
    }


def test_registrations_from_one_address_are_limited(limited, app):
    client = limited(REGISTRATION_RATE_LIMIT="2 per hour")
    for number in range(2):
        assert client.post("/auth/register", data=registration(number)).status_code == 302
        client.post("/auth/logout")
    assert client.post("/auth/register", data=registration(9)).status_code == 429


def test_qr_urls_and_typed_codes_share_one_budget_per_volunteer(limited, app):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=1), hours=3)
    volunteer = factories.make_volunteer("巴特尔")
    client = limited(CHECKIN_SCAN_RATE_LIMIT="3 per minute")
    assert sign_in(client, volunteer.user.phone, factories.PASSWORD).status_code == 302
    step = tokens.step_at(utcnow())
    assert client.get(f"/checkin/s/{activity.id}/{step}/000000").status_code == 200
    assert client.get(f"/checkin/p/{activity.id}/000000").status_code == 200
    assert client.post("/checkin/code", data={"code": "000000"}).status_code == 200
    assert client.post("/checkin/code", data={"code": "000000"}).status_code == 429
    assert client.get(f"/checkin/s/{activity.id}/{step}/000000").status_code == 429


def test_code_guesses_from_one_address_are_limited_across_volunteers(limited, app):
    first, second = factories.make_volunteer("甲"), factories.make_volunteer("乙")
    client = limited(CHECKIN_ADDRESS_RATE_LIMIT="2 per minute")
    for volunteer in (first, second):
        sign_in(client, volunteer.user.phone, factories.PASSWORD)
        assert client.post("/checkin/code", data={"code": "000000"}).status_code == 200
        client.post("/auth/logout")
    sign_in(client, first.user.phone, factories.PASSWORD)
    assert client.post("/checkin/code", data={"code": "000000"}).status_code == 429


def test_a_volunteers_code_budget_is_counted_in_redis_for_every_worker(limited, app, redis_url):
    """Two apps on one Redis, as two gunicorn workers or hosts: the budget spent at one is
    spent at the other (with memory:// each would count on its own)."""
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=1), hours=3)
    volunteer = factories.make_volunteer("巴特尔")
    shared = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "CHECKIN_SCAN_RATE_LIMIT": "2 per minute",
    }
    step = tokens.step_at(utcnow())
    first = limited(**shared)
    assert sign_in(first, volunteer.user.phone, factories.PASSWORD).status_code == 302
    for _ in range(2):
        assert first.get(f"/checkin/s/{activity.id}/{step}/000000").status_code == 200
    second = limited(**shared)
    assert sign_in(second, volunteer.user.phone, factories.PASSWORD).status_code == 302
    assert second.get(f"/checkin/s/{activity.id}/{step}/000000").status_code == 429
    assert second.post("/checkin/code", data={"code": "000000"}).status_code == 429


def test_flask_limiter_skips_only_the_views_that_count_their_own_guesses(app):
    from volunteer.limits import _counts_its_own_guesses

    skipped = {}
    for path in ("/checkin/code", "/checkin/p/1/000000", "/checkin/s/1/1/000000", "/auth/login"):
        with app.test_request_context(path):
            skipped[path] = _counts_its_own_guesses()
    assert skipped == {
        "/checkin/code": True,
        "/checkin/p/1/000000": True,
        "/checkin/s/1/1/000000": True,
        "/auth/login": False,
    }


@pytest.fixture
def redis_limits(database_url, app, redis_url):
    """An app whose limits count in Redis, its context pushed (as every worker in production)."""
    db.session.commit()
    redis_app = create_app(
        {
            **_test_config(database_url),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": redis_url,
        }
    )
    with redis_app.app_context():
        yield limiter.limiter
        db.engine.dispose()


def test_windows_hit_in_one_redis_call_count_as_limits_counts_them_one_by_one(redis_limits):
    """The one-call script against limits' own fixed-window `hit`, window by window: the same
    window refused, the same counts (a refused guess is not counted after the refusing
    window), the same expiry."""
    storage, rng, run = redis_limits.storage, random.Random(15), uuid.uuid4().hex
    choices = ["1 per minute", "2 per minute", "3 per hour", "1 per day", "4 per day"]
    for trial in range(30):
        items = [parse(rng.choice(choices)) for _ in range(rng.randint(1, 4))]
        ours = [(item, (f"ours-{run}-{trial}", f"w{n}")) for n, item in enumerate(items)]
        theirs = [(item, (f"theirs-{run}-{trial}", f"w{n}")) for n, item in enumerate(items)]
        for _ in range(rng.randint(1, 6)):
            refused = hit_in_turn(ours)
            expected = next((w for w in theirs if not redis_limits.hit(w[0], *w[1])), None)
            assert (refused and ours.index(refused)) == (expected and theirs.index(expected))
        for (item, our_ids), (_, their_ids) in zip(ours, theirs, strict=True):
            our_key, their_key = item.key_for(*our_ids), item.key_for(*their_ids)
            assert storage.get(our_key) == storage.get(their_key)
            assert abs(storage.get_expiry(our_key) - storage.get_expiry(their_key)) < 2


def test_a_code_guess_counted_in_redis_is_one_command(redis_limits, monkeypatch):
    """Two budgets of two windows each, counted in one round trip (it was four)."""
    connection = redis_limits.storage.get_connection()
    sent = []
    send = connection.execute_command
    monkeypatch.setattr(
        connection, "execute_command", lambda *a, **kw: [sent.append(a[0]), send(*a, **kw)][1]
    )
    address = {"REMOTE_ADDR": f"198.51.100.{random.randint(1, 254)}"}
    with current_app.test_request_context("/checkin/code", method="POST", environ_base=address):
        count_code_guess()  # loads the script into Redis if it is not there yet
        sent.clear()
        count_code_guess()
    assert sent == ["EVALSHA"]


def test_a_guess_past_the_address_budget_in_redis_is_refused(redis_limits):
    current_app.config.update(
        CHECKIN_ADDRESS_RATE_LIMIT="2 per minute", RATELIMIT_KEY_PREFIX=uuid.uuid4().hex
    )
    with current_app.test_request_context("/checkin/code", method="POST"):
        count_code_guess()
        count_code_guess()
        with pytest.raises(TooManyRequests, match="checkin-code-address"):
            count_code_guess()
