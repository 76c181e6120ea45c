"""The wait between upload, preview and confirm: files kept in the database under random tokens.

An uploaded roster waits as it came (purpose "roster_upload") until its check job reads it;
the checked rows, or the errors found, then wait as a JSON file (purpose "roster_pending"),
so the preview and the confirm may reach other workers or hosts than the upload did. Each
file is named by a random token; the page keeps the SHA-256 of the checked file's content
(in the signed session cookie), so the import only accepts the exact rows that were
previewed, by the person who previewed them. The checked file is deleted by the import, in
its transaction, and every file expires after PENDING_MAX_AGE_SECONDS.
"""

import hashlib
import io
import json
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import FileBlob, User, utcnow
from volunteer.services import files
from volunteer.services.errors import ServiceError
from volunteer.services.rosters.applying import UnitPreview
from volunteer.services.rosters.checking import CheckedRoster, RosterRow, RowError
from volunteer.services.rosters.reading import clean_filename, refuse_too_large

PENDING_MAX_AGE_SECONDS = 3600
PURPOSE = "roster_pending"
UPLOAD_PURPOSE = "roster_upload"
EXPIRED = _l("This preview has expired or was already imported; upload again.")


def keep_upload(
    data: bytes, filename: str, owner: User, now: datetime | None = None
) -> tuple[str, str]:
    """Keep an uploaded file for its check job (refusing one over the size budget at once);
    returns its token and its cleaned name."""
    refuse_too_large(data)
    now = now or utcnow()
    files.remove_expired(now, UPLOAD_PURPOSE)
    expires = now + timedelta(seconds=PENDING_MAX_AGE_SECONDS)
    filename = clean_filename(filename)
    blob = files.save_stream(
        io.BytesIO(data), UPLOAD_PURPOSE, filename, "application/octet-stream", owner, expires
    )
    return blob.key, filename


def take_upload(token: str, owner: User) -> bytes:
    """The uploaded file's bytes, deleted from the store with this transaction's commit."""
    blob = files.find_file(token, UPLOAD_PURPOSE)
    if blob is None or blob.owner_id != owner.id:
        raise ServiceError(_l("The uploaded file is no longer kept; upload it again."))
    data = files.read_bytes(blob)
    files.delete_files([blob.id])
    return data


def save_pending(
    checked: CheckedRoster,
    owner: User,
    now: datetime | None = None,
    preview: list[UnitPreview] | None = None,
) -> tuple[str, str]:
    """Keep checked rows (or the errors found) and their preview for the preview page and
    the import; returns (token, sha256 of the saved file)."""
    now = now or utcnow()
    files.remove_expired(now, PURPOSE)
    payload = json.dumps(
        {
            "owner_id": owner.id,
            "filename": checked.filename,
            "unit_ids": checked.unit_ids,
            "multi_unit": checked.multi_unit,
            "rows": [asdict(row) for row in checked.rows],
            "errors": [asdict(error) for error in checked.errors],
            "preview": [asdict(unit) for unit in preview or []],
        },
        ensure_ascii=False,
    ).encode("utf-8")
    expires = now + timedelta(seconds=PENDING_MAX_AGE_SECONDS)
    blob = files.save_stream(
        io.BytesIO(payload), PURPOSE, checked.filename, "application/json", owner, expires
    )
    return blob.key, hashlib.sha256(payload).hexdigest()


def pending_file(
    token: str, digest: str | None, owner: User, now: datetime | None = None
) -> FileBlob:
    """The owner's unexpired checked file under `token`, without reading it (the confirm
    request's quick check; the import reads it and compares `digest`)."""
    if not digest:  # this session never saw the preview
        raise ServiceError(EXPIRED)
    return _live_file(token, owner, now)


def _live_file(token: str, owner: User, now: datetime | None) -> FileBlob:
    blob = files.find_file(token, PURPOSE) if token else None
    if blob is None or blob.owner_id != owner.id or blob.expires_at <= (now or utcnow()):
        raise ServiceError(EXPIRED)
    return blob


def load_checked(
    token: str, owner: User, now: datetime | None = None
) -> tuple[CheckedRoster, list[UnitPreview], str]:
    """The checked file, its preview, and the SHA-256 the confirm must then present."""
    payload = files.read_bytes(_live_file(token, owner, now))
    preview = [UnitPreview.from_dict(unit) for unit in json.loads(payload).get("preview", [])]
    return _checked_from(payload), preview, hashlib.sha256(payload).hexdigest()


def load_pending(
    token: str, digest: str | None, owner: User, now: datetime | None = None
) -> CheckedRoster:
    """The rows saved by `save_pending`, if the token, hash and owner all match."""
    payload = files.read_bytes(pending_file(token, digest, owner, now))
    if not secrets.compare_digest(hashlib.sha256(payload).hexdigest(), digest):
        raise ServiceError(EXPIRED)
    return _checked_from(payload)


def _checked_from(payload: bytes) -> CheckedRoster:
    data = json.loads(payload)
    return CheckedRoster(
        filename=data["filename"],
        unit_ids=data["unit_ids"],
        multi_unit=data["multi_unit"],
        rows=[RosterRow(**row) for row in data["rows"]],
        errors=[RowError(**error) for error in data.get("errors", [])],
    )


def discard_pending(token: str) -> bool:
    """Remove a checked file once imported (or abandoned); False if it was already gone, as
    when another import of the same preview committed first. The caller commits."""
    blob = files.find_file(token, PURPOSE) if token else None
    return blob is not None and files.delete_files([blob.id]) == 1
