"""The wait between preview and confirm: checked rows kept in the database under a random token.

Between the preview request and the confirm request the checked rows wait as a JSON file
in the database (services/files.py, purpose "roster_pending"), so the confirm may reach
another worker or another host than the preview did. The file is named by a random token;
the caller keeps the SHA-256 of its content (in the signed session cookie), so the confirm
step only accepts the exact rows that were previewed, by the person who previewed them.
The file is deleted on confirm and expires after PENDING_MAX_AGE_SECONDS.
"""

import hashlib
import io
import json
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import User, utcnow
from volunteer.services import files
from volunteer.services.errors import ServiceError
from volunteer.services.rosters.checking import CheckedRoster, RosterRow

PENDING_MAX_AGE_SECONDS = 3600
PURPOSE = "roster_pending"


def save_pending(
    checked: CheckedRoster, owner: User, now: datetime | None = None
) -> tuple[str, str]:
    """Keep checked rows for the confirm step; returns (token, sha256 of the saved rows)."""
    now = now or utcnow()
    files.remove_expired(now, PURPOSE)
    payload = json.dumps(
        {
            "owner_id": owner.id,
            "filename": checked.filename,
            "unit_ids": checked.unit_ids,
            "multi_unit": checked.multi_unit,
            "rows": [asdict(row) for row in checked.rows],
        },
        ensure_ascii=False,
    ).encode("utf-8")
    expires = now + timedelta(seconds=PENDING_MAX_AGE_SECONDS)
    blob = files.save_stream(
        io.BytesIO(payload), PURPOSE, checked.filename, "application/json", owner, expires
    )
    return blob.key, hashlib.sha256(payload).hexdigest()


def load_pending(
    token: str, digest: str | None, owner: User, now: datetime | None = None
) -> CheckedRoster:
    """The rows saved by `save_pending`, if the token, hash and owner all match."""
    expired = ServiceError(_l("This preview has expired or was already imported; upload again."))
    blob = files.find_file(token, PURPOSE) if token and digest else None
    if blob is None or blob.owner_id != owner.id or blob.expires_at <= (now or utcnow()):
        raise expired
    payload = files.read_bytes(blob)
    if not secrets.compare_digest(hashlib.sha256(payload).hexdigest(), digest):
        raise expired
    data = json.loads(payload)
    return CheckedRoster(
        filename=data["filename"],
        unit_ids=data["unit_ids"],
        multi_unit=data["multi_unit"],
        rows=[RosterRow(**row) for row in data["rows"]],
    )


def discard_pending(token: str) -> None:
    """Remove a pending upload once imported (or abandoned); the caller commits."""
    blob = files.find_file(token, PURPOSE) if token else None
    if blob is not None:
        files.delete_files([blob.id])
