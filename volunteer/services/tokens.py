"""Check-in tokens shown on the organizer's screen.

A token is a 6-digit code derived from HMAC-SHA256 keyed with the app's
SECRET_KEY plus the activity's own `checkin_secret`, over "activity id:time
step". The step is `floor(unix time / CHECKIN_TOKEN_STEP_SECONDS)`; the current
and the previous step are accepted, so a code lives between one and two steps.
The QR code carries the activity id, the step and the code; the typed code
carries only the code and is matched against the activities open for check-in.
Replacing an activity's `checkin_secret` voids its codes (and static QR).
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from volunteer.models import Activity

STATIC_STEP = -1  # the step value of a printable static QR (activities that allow one)


@dataclass(frozen=True)
class Token:
    """What the screen shows: the code, its step and seconds until it rotates."""

    activity_id: int
    step: int
    code: str
    seconds_left: int


def step_seconds() -> int:
    return int(current_app.config["CHECKIN_TOKEN_STEP_SECONDS"])


def step_at(now: datetime) -> int:
    """The time step holding `now`."""
    return int(now.timestamp()) // step_seconds()


def code_for(activity: Activity, step: int) -> str:
    """The 6-digit code of `activity` at `step` (HOTP-style dynamic truncation)."""
    key = (current_app.config["SECRET_KEY"] + ":" + activity.checkin_secret).encode()
    digest = hmac.new(key, f"{activity.id}:{step}".encode(), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def static_code_for(activity: Activity) -> str:
    """The longer signature printed on a static QR (only valid if the activity allows it)."""
    key = (current_app.config["SECRET_KEY"] + ":" + activity.checkin_secret).encode()
    return hmac.new(key, f"{activity.id}:static".encode(), hashlib.sha256).hexdigest()[:24]


def current_token(activity: Activity, now: datetime) -> Token:
    """The token to display now."""
    step = step_at(now)
    seconds_left = step_seconds() - int(now.timestamp()) % step_seconds()
    return Token(activity.id, step, code_for(activity, step), seconds_left)


class TokenProblem:
    """Why a token was refused (the scan service turns these into messages)."""

    FORGED = "forged"
    EXPIRED = "expired"


def check_token(activity: Activity, step: int, code: str, now: datetime) -> str | None:
    """None if the code is genuine for this activity and still fresh, else a TokenProblem."""
    if step == STATIC_STEP:
        if activity.static_qr_allowed and _same(code, static_code_for(activity)):
            return None
        return TokenProblem.FORGED
    if not _same(code, code_for(activity, step)):
        # A code of another activity, or made up, never matches this activity's key.
        return TokenProblem.FORGED
    current = step_at(now)
    if step > current:
        return TokenProblem.FORGED  # genuine codes are never from the future
    if step < current - 1:
        return TokenProblem.EXPIRED
    return None


def _same(given: str, genuine: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (which never matches)."""
    return hmac.compare_digest(given.encode(), genuine.encode())


def match_code(activities: list[Activity], code: str, now: datetime) -> Activity | None:
    """The activity whose current or previous code is `code`, if any."""
    current = step_at(now)
    steps = (current, current - 1)
    matches = (a for a in activities for step in steps if _same(code, code_for(a, step)))
    return next(matches, None)
