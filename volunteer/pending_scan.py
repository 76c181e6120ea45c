"""A scan made before signing in, kept in the session until the person is signed in.

The scan URL stores [activity id, step, code, when opened (epoch s), the URL's path]; it
survives signing in, registering and a password reset (all in the same session), and the
sign-in and registration pages name the activity it will check the person in to.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, session

from volunteer.extensions import db
from volunteer.models import Activity, utcnow

SESSION_KEY = "pending_scan"


@dataclass(frozen=True)
class PendingScan:
    """The scan waiting for a sign-in."""

    activity_id: int
    step: int
    code: str
    opened_at: datetime
    path: str

    def activity_title(self) -> str | None:
        """The title of the activity, for the sign-in page ("登录后为您签到：『…』")."""
        activity = db.session.get(Activity, self.activity_id)
        return activity.title if activity is not None else None


def remember(activity_id: int, step: int, code: str, now: datetime, path: str) -> None:
    """Keep the scan in the session until the person is signed in."""
    session[SESSION_KEY] = [activity_id, step, code, int(now.timestamp()), path]


def pending(now: datetime | None = None) -> PendingScan | None:
    """The scan waiting in this session, if opened within the grace (a stale one is dropped)."""
    stored = session.get(SESSION_KEY)
    if not stored or len(stored) < 5:
        return None
    activity_id, step, code, opened, path = stored[:5]
    scan = PendingScan(activity_id, step, code, datetime.fromtimestamp(opened, UTC), path)
    age = ((now or utcnow()) - scan.opened_at).total_seconds()
    return scan if age <= current_app.config["CHECKIN_LOGIN_GRACE_SECONDS"] else None


def verified_at(activity_id: int, step: int, code: str, now: datetime) -> datetime | None:
    """When this very token was seen fresh before signing in, if within the grace."""
    scan = pending(now)
    if scan is None or (scan.activity_id, scan.step, scan.code) != (activity_id, step, code):
        return None
    return scan.opened_at


def forget() -> None:
    """Drop the waiting scan (it has been made)."""
    session.pop(SESSION_KEY, None)


def next_path(default: str) -> str:
    """Where to go after signing in: the waiting scan, else `default`."""
    scan = pending()
    return scan.path if scan is not None else default
