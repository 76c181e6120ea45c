"""The wait between preview and confirm: checked rows kept in a file under a random token.

Between the preview request and the confirm request the checked rows wait in a
JSON file under instance/roster_pending/, named by a random token; the caller
keeps the SHA-256 of that file (in the signed session cookie), so the confirm
step only accepts the exact rows that were previewed, by the person who
previewed them. The file is deleted on confirm and expires after
PENDING_MAX_AGE_SECONDS.
"""

import hashlib
import json
import secrets
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from flask import current_app

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import User
from volunteer.services.errors import ServiceError
from volunteer.services.rosters.checking import CheckedRoster, RosterRow

PENDING_MAX_AGE_SECONDS = 3600


def save_pending(checked: CheckedRoster, owner: User) -> tuple[str, str]:
    """Keep checked rows for the confirm step; returns (token, sha256 of the saved file)."""
    directory = _pending_dir()
    _remove_expired(directory)
    token = secrets.token_urlsafe(24)
    payload = json.dumps(
        {
            "owner_id": owner.id,
            "created": datetime.now().timestamp(),
            "filename": checked.filename,
            "unit_ids": checked.unit_ids,
            "multi_unit": checked.multi_unit,
            "rows": [asdict(row) for row in checked.rows],
        },
        ensure_ascii=False,
    ).encode("utf-8")
    (directory / f"{token}.json").write_bytes(payload)
    return token, hashlib.sha256(payload).hexdigest()


def load_pending(token: str, digest: str | None, owner: User) -> CheckedRoster:
    """The rows saved by `save_pending`, if the token, hash and owner all match."""
    expired = ServiceError(_l("This preview has expired or was already imported; upload again."))
    if not token or not digest or not _is_token(token):
        raise expired
    payload = _fresh_payload(_pending_dir() / f"{token}.json")
    if payload is None or not secrets.compare_digest(hashlib.sha256(payload).hexdigest(), digest):
        raise expired
    data = json.loads(payload)
    if data["owner_id"] != owner.id:
        raise expired
    return CheckedRoster(
        filename=data["filename"],
        unit_ids=data["unit_ids"],
        multi_unit=data["multi_unit"],
        rows=[RosterRow(**row) for row in data["rows"]],
    )


def _fresh_payload(path: Path) -> bytes | None:
    """The saved upload's bytes, or None when it is gone or older than the limit."""
    if not path.is_file() or path.stat().st_mtime < time.time() - PENDING_MAX_AGE_SECONDS:
        return None
    return path.read_bytes()


def discard_pending(token: str) -> None:
    """Remove a pending upload once imported (or abandoned)."""
    if token and _is_token(token):
        (_pending_dir() / f"{token}.json").unlink(missing_ok=True)


def _pending_dir() -> Path:
    # Under instance/ (shared by the workers of one host); tests point it elsewhere.
    configured = current_app.config.get("ROSTER_PENDING_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "roster_pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_expired(directory: Path) -> None:
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for old in directory.glob("*.json"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def _is_token(token: str) -> bool:
    """Whether `token` looks like one of ours (URL-safe base64), so it is safe as a file name."""
    return token.replace("-", "").replace("_", "").isalnum()
