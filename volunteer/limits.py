"""Rate limits on guessable things (passwords, check-in codes, registrations), and the keys
they count by. Views wear the decorators defined here; the numbers are settings (config.py,
README "Limits").

Counts live in RATELIMIT_STORAGE_URI: Redis in production, so a limit holds across gunicorn
workers and hosts (create_app refuses `memory://` in production unless WEB_WORKERS=1). The
client's address is the one ProxyFix takes from TRUSTED_PROXY_HOPS trusted proxies; with no
proxy configured, X-Forwarded-For is ignored, so a client cannot pick its own address.

Brute-forcing the 6-digit check-in code: a guess is right with probability 2A/10^6, A being
the activities open for check-in (each accepts the code of the current and the previous
30 s step; a QR URL names its step, so a guess there is right with 1/10^6). Guesses are
counted per volunteer (CHECKIN_SCAN_RATE_LIMIT, 10/min and 60/day, shared by the QR URL,
static QR and typed code) and per address (CHECKIN_ADDRESS_RATE_LIMIT, 600/min and
5,000/day). So one account expects 60 * 2A / 10^6 = 0.00012*A right guesses a day (one in
about 23 years with A = 1, one in 2.3 years with A = 10), and one address, however many
accounts it registers (REGISTRATION_RATE_LIMIT), at most 5,000 * 2A / 10^6 = 0.01*A a day.
A right guess only opens a record at an activity the guesser is not at; it is credited only
with a second right guess at check-out, and a missing check-out is credited 0 and queued
for the organizer.
"""

import functools
from collections.abc import Callable
from functools import wraps
from typing import cast

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse_many
from limits.storage import RedisSentinelStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter
from redis.commands.core import Script
from werkzeug.exceptions import TooManyRequests

from volunteer.extensions import limiter

LOGIN_FIELD = "login"


def client_address() -> str:
    """The client's address (after ProxyFix has applied the trusted proxy hops)."""
    return get_remote_address() or "unknown"


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _account_key() -> str:
    """The account a sign-in names, however it is named (phone or ID number), so every try
    at its password counts together from any address; an unknown name counts by itself."""
    from volunteer.services import accounts

    login = "".join(ch for ch in request.form.get(LOGIN_FIELD, "") if ch.isprintable())[:64]
    user = accounts.find_user_by_login(login) if login.strip() else None
    return f"account:{user.id}" if user else f"login:{login.strip().upper()}"


def _person_or_address() -> str:
    """Signed-in scans count per person; anonymous ones per address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


def _scan_limit_for_person() -> str:
    config = current_app.config
    if current_user.is_authenticated:
        return config["CHECKIN_SCAN_RATE_LIMIT"]
    return config["CHECKIN_ANONYMOUS_SCAN_RATE_LIMIT"]


def limit_sign_in(view):
    """Sign-in attempts per address, and per account whatever address they come from. Every
    attempt counts, successes too: the count is taken before the password is checked, so
    parallel requests cannot slip past it."""
    per_address = limiter.limit(
        _setting("LOGIN_RATE_LIMIT"), key_func=client_address, methods=["POST"]
    )
    per_account = limiter.limit(
        _setting("LOGIN_ACCOUNT_RATE_LIMIT"), key_func=_account_key, methods=["POST"]
    )
    return per_address(per_account(view))


def limit_registration(view):
    """Registrations submitted per address (each new account is more code guesses)."""
    return limiter.limit(
        _setting("REGISTRATION_RATE_LIMIT"), key_func=client_address, methods=["POST"]
    )(view)


def limit_unit_search(view):
    """Searches of the work unit picker per address: typing a name is a handful of searches;
    a script walking the whole tree through them is slowed down."""
    return limiter.limit(_setting("UNIT_SEARCH_RATE_LIMIT"), key_func=client_address)(view)


def limit_code_guesses(methods: list[str]):
    """Scans and typed codes: one budget per person across every way of sending a code,
    and one per address (see the arithmetic above)."""
    counted = frozenset(method.upper() for method in methods)

    def decorate(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method in counted:
                count_code_guess()
            return view(*args, **kwargs)

        setattr(limited, SELF_COUNTED, True)
        return limited

    return decorate


SELF_COUNTED = "counts_its_own_guesses"  # set on a view by limit_code_guesses


# A view that counts its own guesses wears no Flask-Limiter limit, yet Flask-Limiter looked
# for its limits on every request (about 150 Python calls of a scan): a request filter skips that
# search for such views only; every other view is checked as before.
@limiter.request_filter
def _counts_its_own_guesses() -> bool:
    """Whether the request's view counts its own guesses (Flask-Limiter has nothing to do)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, SELF_COUNTED, False)


# Counted here rather than by Flask-Limiter's decorators, in the same storage and under the
# same keys: those find the view's limits, parse their strings and read the counts back for
# headers on every request, which cost a scan (many a minute at an event) more than the
# counting itself and one more round trip to Redis. The budgets and their sharing are the same.
def count_code_guess() -> None:
    """Count one code guess against the person's and the address's budgets; 429 past either."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    prefix = config.get("RATELIMIT_KEY_PREFIX")
    person = (_scan_limit_for_person(), _person_or_address(), "checkin-code")
    address = (config["CHECKIN_ADDRESS_RATE_LIMIT"], client_address(), "checkin-code-address")
    windows = [
        (item, (prefix, key, scope) if prefix else (key, scope))
        for limit, key, scope in (person, address)
        for item in _windows(limit)
    ]
    if (spent := hit_in_turn(windows)) is not None:
        item, identifiers = spent
        raise TooManyRequests(f"{item} ({identifiers[-1]})")  # the app's 429 page


Window = tuple[RateLimitItem, tuple[str, ...]]


def hit_in_turn(windows: list[Window]) -> Window | None:
    """One hit on each (limit window, identifiers) in turn, as limits' own `hit` would count
    them one by one, stopping at the first window past its amount, which is returned."""
    strategy = limiter.limiter  # Flask-Limiter's memory fallback while Redis is down
    storage = strategy.storage
    if isinstance(strategy, FixedWindowRateLimiter) and type(storage) in _ONE_NODE_REDIS:
        return _hit_in_one_round_trip(cast(RedisStorage, storage), windows)
    for item, identifiers in windows:
        if not strategy.hit(item, *identifiers):
            return item, identifiers
    return None


# On Redis every window was a round trip of its own: four a scan (two budgets of two windows),
# each a socket write and read that cost more CPU than the scan's own database work. The
# script below is limits' incr_expire.lua (the fixed window's counter) run once per window in
# one call, on the same keys with the same expiry, so limits and Flask-Limiter read and reset
# these counts as their own; and it stops at the first window past its amount as the loop
# above does, so a refused guess is not counted against the windows after it. Not on a Redis
# Cluster: the keys of one call can live on different nodes there (the loop serves it).
_ONE_NODE_REDIS = (RedisStorage, RedisSentinelStorage)
HIT_IN_TURN_SCRIPT = """
for index, key in ipairs(KEYS) do
    local current = redis.call("incrby", key, 1)
    if current == 1 then
        redis.call("expire", key, ARGV[2 * index - 1])
    end
    if current > tonumber(ARGV[2 * index]) then
        return index
    end
end
return 0
"""


def _hit_in_one_round_trip(storage: RedisStorage, windows: list[Window]) -> Window | None:
    keys = [storage.prefixed_key(item.key_for(*identifiers)) for item, identifiers in windows]
    arguments = [value for item, _ in windows for value in (item.get_expiry(), item.amount)]
    connection = storage.get_connection()
    spent = int(_script_for(connection)(keys, arguments, client=connection))
    return windows[spent - 1] if spent else None


@functools.cache  # one per Redis client (the storage's own, for the process's life)
def _script_for(connection) -> Script:
    return connection.register_script(HIT_IN_TURN_SCRIPT)


@functools.lru_cache(maxsize=32)  # the strings are settings: parsed once per process
def _windows(limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(sorted(parse_many(limit)))
