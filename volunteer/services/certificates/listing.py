"""Finding certificates: a person's, one by serial, and the admin's list."""

from sqlalchemy import Select, or_, select

from volunteer.extensions import db
from volunteer.models import Certificate, User, Volunteer

MAX_SERIAL_LENGTH = 32


def find_by_serial(serial: str) -> Certificate | None:
    """The certificate with this serial (spaces and case forgiven), or None."""
    cleaned = "".join((serial or "").split()).upper()
    if not cleaned or len(cleaned) > MAX_SERIAL_LENGTH:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == cleaned))


def certificates_of(volunteer: Volunteer) -> list[Certificate]:
    """A person's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.volunteer_id == volunteer.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def all_certificates_statement(query: str = "") -> Select[tuple[Certificate]]:
    """Every certificate, newest first, optionally by exact serial or part of the name."""
    statement = (
        select(Certificate)
        .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
        .join(User, User.id == Volunteer.user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if query:
        statement = statement.where(
            or_(Certificate.serial == query.upper(), User.name.like(f"%{query}%"))
        )
    return statement
