"""Volunteers' personal codes: signed values a kiosk can recognise without a network.

The code is "WSV:<volunteer number>.<signature>", the signature an HMAC-SHA256 keyed with
the app's SECRET_KEY plus the volunteer's own random `personal_code`, over the number. A
kiosk offline knows a code by its shape and shows the number; the server checks the
signature when the scan arrives. Replacing `personal_code` voids the old card. Cards
printed before codes were signed ("WSV:<personal_code>") are still found by lookup.
"""

import hashlib
import hmac
import re

from flask import current_app
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import Volunteer

PREFIX = "WSV:"
SIGNATURE_LENGTH = 20  # hex characters: 80 bits, beyond guessing at any scan rate
SIGNED = re.compile(rf"^([A-Z0-9-]{{1,24}})\.([0-9a-f]{{{SIGNATURE_LENGTH}}})$")


def signature(volunteer: Volunteer) -> str:
    """The signature of the volunteer's number under their current personal secret."""
    key = (current_app.config["SECRET_KEY"] + ":" + volunteer.personal_code).encode()
    message = f"personal:{volunteer.volunteer_number}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]


def payload(volunteer: Volunteer) -> str:
    """What the personal QR code encodes (and what a USB scanner types)."""
    if volunteer.volunteer_number is None:
        return PREFIX + volunteer.personal_code
    return f"{PREFIX}{volunteer.volunteer_number}.{signature(volunteer)}"


def _body(raw: str) -> str:
    code = (raw or "").strip()
    if code.upper().startswith(PREFIX):
        code = code[len(PREFIX) :]
    return code


def volunteer_for(raw: str) -> Volunteer | None:
    """The volunteer whose genuine code this is (a scanner may add the prefix or not)."""
    code = _body(raw)
    if not code:
        return None
    if match := SIGNED.match(code):
        return _signed_volunteer(match[1], match[2])
    return db.session.scalar(select(Volunteer).where(Volunteer.personal_code == code))


def _signed_volunteer(number: str, given: str) -> Volunteer | None:
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.volunteer_number == number))
    if volunteer is None or not hmac.compare_digest(given, signature(volunteer)):
        return None
    return volunteer
