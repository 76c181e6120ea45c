"""Finding certificates (a person's, one by serial, the admin's list) and whom they are for."""

from sqlalchemy import Select, or_, select

from volunteer.extensions import db
from volunteer.models import Certificate, User, Volunteer
from volunteer.services import accounts
from volunteer.services.identity import normalize_id_number

MAX_SERIAL_LENGTH = 32


def cleaned_serial(serial: str | None) -> str | None:
    """A typed serial as stored (spaces dropped, upper case); None when it cannot be one."""
    cleaned = "".join((serial or "").split()).upper()
    return cleaned if 0 < len(cleaned) <= MAX_SERIAL_LENGTH else None


def find_by_serial(serial: str) -> Certificate | None:
    """The certificate with this serial (spaces and case forgiven), or None."""
    if (cleaned := cleaned_serial(serial)) is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == cleaned))


def certificates_of(volunteer: Volunteer) -> list[Certificate]:
    """A person's certificates, newest first."""
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.volunteer_id == volunteer.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()


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


def find_volunteer(phone_or_id: str) -> Volunteer | None:
    """A volunteer by mobile number, ID number or volunteer number."""
    user = accounts.find_user_by_login(phone_or_id)
    if user is not None and user.volunteer is not None:
        return user.volunteer
    key = normalize_id_number(phone_or_id)
    return db.session.scalar(
        select(Volunteer).where((Volunteer.id_number == key) | (Volunteer.volunteer_number == key))
    )
