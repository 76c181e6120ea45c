"""Serial numbers, sequential per year (WSZM2026000123).

Two issuers may compute the same next number at once; the unique constraint on
`certificates.serial` decides, and the loser retries with the next free number
inside a savepoint (see `insert_with_serial`).
"""

from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Certificate
from volunteer.services.errors import ServiceError

SERIAL_ATTEMPTS = 20


def serial_prefix(year: int) -> str:
    """The serial prefix of a year's certificates (configured letters, then the year)."""
    return f"{current_app.config['CERTIFICATE_SERIAL_PREFIX']}{year}"


def next_free_number(prefix: str, serial=Certificate.serial) -> int:
    """The number after the highest `serial` with this prefix (1 for the year's first)."""
    # Longest first, so number 1000000 sorts after 999999 should a year ever get there.
    last = db.session.scalar(
        select(serial)
        .where(serial.startswith(prefix))
        .order_by(func.length(serial).desc(), serial.desc())
        .limit(1)
    )
    return int(last[len(prefix) :]) + 1 if last else 1


def insert_with_serial(
    certificate: Certificate, content: dict[str, Any], year: int, number: int | None
) -> int:
    """Insert with the next serial; on a clash with a concurrent issuer, take the next one.

    Returns the number after the one used, so a batch numbers on without re-reading.
    """
    prefix = serial_prefix(year)
    if number is None:
        number = next_free_number(prefix)
    for _attempt in range(SERIAL_ATTEMPTS):
        certificate.serial = f"{prefix}{number:06d}"
        certificate.content = {**content, "serial": certificate.serial}
        try:
            # A savepoint: the clash rolls back this insert only, not the caller's work.
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            # PostgreSQL made us wait for the other issuer's commit; its serial is now visible.
            number = max(number + 1, next_free_number(prefix))
            continue
        return number + 1
    raise ServiceError(_l("Too many certificates are being issued at once; try again."))
