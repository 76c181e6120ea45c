"""Registration, login and profile rules at the service level."""

from datetime import UTC, date, datetime

import pytest

from tests import factories
from volunteer.models import Gender, IdType, PoliticalStatus
from volunteer.services import accounts
from volunteer.services.errors import DuplicateError, ServiceError

NOON_25_NOVEMBER = datetime(2026, 11, 25, 4, tzinfo=UTC)  # in Beijing


def registration(**changes) -> accounts.Registration:
    fields = {
        "name": "张三",
        "id_type": IdType.RESIDENT_ID,
        "id_number": factories.resident_id(date(1990, 5, 17), male=False),
        "phone": factories.phone(),
        "password": "long-enough-1",
        "political_status": PoliticalStatus.MASSES,
        "privacy_consent": True,
    }
    fields.update(changes)
    return accounts.Registration(**fields)


def test_registration_derives_gender_and_birth_date_from_the_resident_id(app):
    volunteer = accounts.register_volunteer(registration())
    assert volunteer.gender == Gender.FEMALE
    assert volunteer.birth_date.year == 1990
    assert volunteer.volunteer_number.startswith("WS")
    assert len(volunteer.personal_code) >= 24


def test_lower_case_x_and_spaces_are_normalized():
    from volunteer.services.identity import normalize_id_number

    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_wrong_check_digit_is_refused_with_a_reason(app):
    number = factories.resident_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(registration(id_number=wrong))
    assert refused.value.field == "id_number"


def test_duplicate_id_number_is_refused(app):
    first = accounts.register_volunteer(registration())
    with pytest.raises(DuplicateError) as refused:
        accounts.register_volunteer(registration(id_number=first.id_number.lower()))
    assert refused.value.field == "id_number"


def test_duplicate_phone_is_refused(app):
    first = accounts.register_volunteer(registration())
    with pytest.raises(DuplicateError) as refused:
        accounts.register_volunteer(registration(phone=first.user.phone))
    assert refused.value.field == "phone"


def test_under_14_needs_a_guardians_consent(app):
    child_id = factories.resident_id(date(2015, 3, 1))
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(registration(id_number=child_id), now=NOON_25_NOVEMBER)
    assert refused.value.field == "guardian_name"
    volunteer = accounts.register_volunteer(
        registration(
            id_number=child_id,
            guardian_name="张父",
            guardian_phone="13900001111",
            guardian_consent=True,
        ),
        now=NOON_25_NOVEMBER,
    )
    assert volunteer.guardian_consent_at is not None


def test_passport_gets_a_format_check_only(app):
    volunteer = accounts.register_volunteer(
        registration(
            id_type=IdType.PASSPORT,
            id_number="e12345678",
            birth_date=date(1985, 1, 1),
            gender=Gender.MALE,
        )
    )
    assert volunteer.id_number == "E12345678"
    with pytest.raises(ServiceError):
        accounts.register_volunteer(registration(id_type=IdType.PASSPORT, id_number="E1"))


def test_privacy_consent_is_required(app):
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(registration(privacy_consent=False))
    assert refused.value.field == "privacy"


def test_login_by_phone_or_id_number(app):
    volunteer = accounts.register_volunteer(registration())
    assert accounts.authenticate(volunteer.user.phone, "long-enough-1") is volunteer.user
    assert accounts.authenticate(volunteer.id_number.lower(), "long-enough-1") is volunteer.user
    assert accounts.authenticate(volunteer.user.phone, "wrong-password") is None


def test_inactive_accounts_cannot_sign_in(app):
    volunteer = accounts.register_volunteer(registration())
    volunteer.user.active = False
    assert accounts.authenticate(volunteer.user.phone, "long-enough-1") is None


def test_password_change_needs_the_current_password(app):
    user = accounts.register_volunteer(registration()).user
    with pytest.raises(ServiceError):
        accounts.change_password(user, "not-it", "new-password-2")
    accounts.change_password(user, "long-enough-1", "new-password-2")
    assert accounts.authenticate(user.phone, "new-password-2") is user


def test_profile_update_refuses_a_phone_taken_by_someone_else(app):
    one = accounts.register_volunteer(registration())
    two = accounts.register_volunteer(registration())
    with pytest.raises(DuplicateError):
        accounts.update_profile(
            two,
            name="李四",
            phone=one.user.phone,
            political_status=PoliticalStatus.CPC_MEMBER,
            unit=None,
            work_unit_name=None,
            skills=None,
            service_areas=None,
        )
