"""Accounts and real-name volunteer profiles."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Gender, IdType, PoliticalStatus, Unit, User, Volunteer, utcnow
from volunteer.services import identity, periods, sessions, staleness
from volunteer.services.audit import record_audit
from volunteer.services.errors import DuplicateError, ServiceError
from volunteer.services.rosters import linking


@dataclass
class Registration:
    """What a person gives to register as a volunteer."""

    name: str
    id_type: IdType
    id_number: str
    phone: str
    password: str
    political_status: PoliticalStatus  # no default: nobody is a party member by omission
    unit: Unit | None = None
    work_unit_name: str | None = None
    skills: str | None = None
    service_areas: str | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    guardian_name: str | None = None
    guardian_phone: str | None = None
    guardian_consent: bool = False
    privacy_consent: bool = False


def hash_password(password: str) -> str:
    """Hash a password with the configured method (scrypt unless overridden)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def register_volunteer(data: Registration, now: datetime | None = None) -> Volunteer:
    """Create the account and profile, or raise a ServiceError naming the field."""
    if not data.privacy_consent:
        raise ServiceError(_l("You must agree to the privacy notice to register."), "privacy")
    id_number, phone = _checked_id_number_and_phone(data)
    today = periods.local_today(now)  # ages go by the Beijing calendar date
    gender, birth_date = _gender_and_birth_date(data, id_number, today)
    guardian_needed = _guardian_needed(birth_date, today)
    if guardian_needed:
        _require_guardian_consent(data)
    _refuse_duplicates(phone, id_number)
    user = User(phone=phone, name=data.name.strip(), password_hash=hash_password(data.password))
    volunteer = Volunteer(
        user=user,
        id_type=data.id_type,
        id_number=id_number,
        gender=gender,
        birth_date=birth_date,
        political_status=data.political_status,
        unit=data.unit,
        work_unit_name=(data.work_unit_name or "").strip() or None,
        skills=data.skills,
        service_areas=data.service_areas,
        personal_code=secrets.token_urlsafe(24),
        privacy_consent_at=utcnow(),
        **_guardian_fields(data, guardian_needed),
    )
    _add_refusing_racing_duplicates(volunteer, phone, id_number)
    volunteer.volunteer_number = volunteer_number_for(volunteer)
    db.session.flush()
    linking.link_id_numbers([id_number])  # the person may be on rosters already
    staleness.person_registered(id_number)  # counts as registered on rosters at once
    return volunteer


def _checked_id_number_and_phone(data: Registration) -> tuple[str, str]:
    """The normalized ID number and phone, or a ServiceError naming the wrong one."""
    id_number = identity.normalize_id_number(data.id_number)
    if error := identity.id_number_error(data.id_type, id_number):
        raise ServiceError(error, "id_number")
    return id_number, _checked_phone(data.phone)


def _checked_phone(phone: str) -> str:
    """The normalized mobile phone, or a ServiceError naming the phone field."""
    phone = identity.normalize_phone(phone)
    if error := identity.phone_error(phone):
        raise ServiceError(error, "phone")
    return phone


def _refuse_taken_phone(phone: str, owner_id: int | None = None) -> None:
    """Refuse a phone another account (not `owner_id`'s) already registered."""
    query = select(User.id).where(User.phone == phone)
    if owner_id is not None:
        query = query.where(User.id != owner_id)
    if db.session.scalar(query) is not None:
        raise DuplicateError(_l("This phone number is already registered."), "phone")


def _gender_and_birth_date(data: Registration, id_number: str, today: date) -> tuple[Gender, date]:
    """From the number when it states them, else as given; a future birth date is refused."""
    if data.id_type in identity.ID_TYPES_STATING_BIRTH:
        facts = identity.resident_id_facts(id_number)
        gender, birth_date, field = facts.gender, facts.birth_date, "id_number"
    else:
        gender, birth_date, field = data.gender, data.birth_date, "birth_date"
    if error := identity.birth_date_error(birth_date, today):
        raise ServiceError(error, field)
    if gender is None:
        raise ServiceError(_l("Choose the gender."), "gender")
    return gender, birth_date


def _guardian_needed(birth_date: date, today: date) -> bool:
    """Under the guardian-consent age (14 by default) a guardian must consent."""
    return identity.age_on(birth_date, today) < current_app.config.get(
        "GUARDIAN_CONSENT_UNDER_AGE", 14
    )


def _guardian_fields(data: Registration, needed: bool) -> dict[str, object]:
    """The guardian's name, phone and consent time, kept only when a guardian is needed."""
    return {
        "guardian_name": data.guardian_name if needed else None,
        "guardian_phone": data.guardian_phone if needed else None,
        "guardian_consent_at": utcnow() if needed else None,
    }


def _require_guardian_consent(data: Registration) -> None:
    if not (data.guardian_consent and data.guardian_name and data.guardian_phone):
        raise ServiceError(
            _l("Volunteers under 14 need a guardian's name, phone and consent."), "guardian_name"
        )


def _add_refusing_racing_duplicates(volunteer: Volunteer, phone: str, id_number: str) -> None:
    db.session.add(volunteer)
    try:
        # A savepoint, so a racing duplicate surfaces as a message, not a 500.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        _refuse_duplicates(phone, id_number)
        raise


def volunteer_number_for(volunteer: Volunteer) -> str:
    """The public volunteer number (志愿者编号): prefix, year of registration, id."""
    prefix = current_app.config.get("VOLUNTEER_NUMBER_PREFIX", "WS")
    return f"{prefix}{volunteer.registered_at.year}{volunteer.id:07d}"


def _refuse_duplicates(phone: str, id_number: str) -> None:
    _refuse_taken_phone(phone)
    if db.session.scalar(select(Volunteer.id).where(Volunteer.id_number == id_number)):
        raise DuplicateError(_l("This ID number is already registered."), "id_number")


def find_user_by_login(login: str) -> User | None:
    """The account for a phone number or an ID number."""
    login = (login or "").strip()
    phone = identity.normalize_phone(login)
    if identity.MOBILE_PATTERN.match(phone):
        return db.session.scalar(select(User).where(User.phone == phone))
    id_number = identity.normalize_id_number(login)
    return db.session.scalar(
        select(User)
        .join(Volunteer, Volunteer.user_id == User.id)
        .where(Volunteer.id_number == id_number)
    )


def user_with_phone(phone: str) -> User | None:
    """The account registered with exactly this phone number."""
    return db.session.scalar(select(User).where(User.phone == phone))


def authenticate(login: str, password: str) -> User | None:
    """The active account matching these credentials, or None."""
    user = find_user_by_login(login)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one."""
    if not check_password_hash(user.password_hash, current_password):
        raise ServiceError(_l("The current password is wrong."), "current_password")
    user.password_hash = hash_password(new_password)
    record_audit(user, "account.password_change", user)
    # Whoever held the old password may hold a session or a token made with it.
    sessions.sign_out_everywhere(user, user, utcnow(), reason="password_change")


def update_profile(
    volunteer: Volunteer,
    *,
    name: str,
    phone: str,
    political_status: PoliticalStatus,
    unit: Unit | None,
    work_unit_name: str | None,
    skills: str | None,
    service_areas: str | None,
) -> Volunteer:
    """Edit the editable part of a profile; the ID number is fixed once registered."""
    phone = _checked_phone(phone)
    _refuse_taken_phone(phone, volunteer.user_id)
    volunteer.user.name = name.strip()
    volunteer.user.phone = phone
    volunteer.political_status = political_status
    volunteer.unit = unit
    volunteer.work_unit_name = (work_unit_name or "").strip() or None
    volunteer.skills = skills
    volunteer.service_areas = service_areas
    db.session.flush()
    return volunteer


def create_staff_account(name: str, phone: str, password: str) -> User:
    """An account without a volunteer profile (the first admin, from the CLI)."""
    phone = _checked_phone(phone)
    _refuse_taken_phone(phone)
    user = User(phone=phone, name=name.strip(), password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user
