"""Registration links that file a new volunteer under one unit (the unit's poster QR code).

The link carries "<unit id>.<signature>", the signature an HMAC-SHA256 keyed with the app's
SECRET_KEY over the unit id. Unit ids are no secret (registration lists every unit), but a
link edited to name another unit is refused: a printed poster files people only under the
unit it was printed for. Links do not expire; changing SECRET_KEY voids printed posters.
"""

import hashlib
import hmac
import re

from flask import current_app

from volunteer.extensions import db
from volunteer.models import Unit

SIGNATURE_LENGTH = 16  # hex characters: 64 bits, beyond guessing at registration's rate limit
TOKEN = re.compile(rf"^([1-9][0-9]{{0,9}})\.([0-9a-f]{{{SIGNATURE_LENGTH}}})$")


def _signature(unit_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"unit-registration:{unit_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]


def unit_token_for_id(unit_id: int) -> str:
    """The value a registration link carries to file people under the unit with this id."""
    return f"{unit_id}.{_signature(unit_id)}"


def unit_for_token(token: str | None) -> Unit | None:
    """The active unit a genuine token names; None for a missing, edited or stale one."""
    match = TOKEN.match((token or "").strip())
    if match is None or not hmac.compare_digest(match[2], _signature(int(match[1]))):
        return None
    unit = db.session.get(Unit, int(match[1]))
    return unit if unit is not None and unit.active else None
