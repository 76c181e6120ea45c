"""Ages at registration (DOMAIN.md "Identity rules"): Beijing dates, no future births, every
document type under the under-14 and under-18 rules, residence permits for Hong Kong, Macau
and Taiwan residents."""

from datetime import UTC, date, datetime

import pytest

from tests import certificate_support as support
from tests import factories
from volunteer.models import Gender, IdType, PoliticalStatus
from volunteer.services import accounts, certificates, identity, periods
from volunteer.services.errors import ServiceError
from volunteer.services.rosters.checking import ID_TYPE_BY_CHINESE_NAME

# 2026-11-27 00:05 in Beijing is still 2026-11-26 in UTC.
JUST_AFTER_BEIJING_MIDNIGHT = datetime(2026, 11, 26, 16, 5, tzinfo=UTC)


def born_on(day: date) -> str:
    """A resident ID stating exactly this birth date (the factory's numbers drift by days)."""
    return identity.make_resident_id("150626", day, 123)


def registration(**changes) -> accounts.Registration:
    fields = {
        "name": "其其格",
        "id_type": IdType.RESIDENT_ID,
        "id_number": factories.resident_id(date(1990, 5, 17)),
        "phone": factories.phone(),
        "password": "long-enough-1",
        "political_status": PoliticalStatus.MASSES,
        "privacy_consent": True,
    }
    return accounts.Registration(**{**fields, **changes})


def passport(**changes) -> accounts.Registration:
    number = f"E{factories.phone()[3:]}"
    return registration(id_type=IdType.PASSPORT, id_number=number, **changes)


def test_a_14th_birthday_on_the_beijing_date_needs_no_guardian(app):
    born = born_on(date(2012, 11, 27))
    volunteer = accounts.register_volunteer(
        registration(id_number=born), now=JUST_AFTER_BEIJING_MIDNIGHT
    )
    assert volunteer.guardian_consent_at is None


def test_the_day_before_the_14th_birthday_still_needs_a_guardian(app):
    born = born_on(date(2012, 11, 28))
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(registration(id_number=born), now=JUST_AFTER_BEIJING_MIDNIGHT)
    assert refused.value.field == "guardian_name"


def test_a_birth_date_in_the_future_is_refused(app):
    unborn = born_on(date(2026, 11, 28))
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(registration(id_number=unborn), now=JUST_AFTER_BEIJING_MIDNIGHT)
    assert refused.value.field == "id_number"
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(
            passport(birth_date=date(2026, 11, 28), gender=Gender.MALE),
            now=JUST_AFTER_BEIJING_MIDNIGHT,
        )
    assert refused.value.field == "birth_date"


def test_a_passport_holder_gives_birth_date_and_gender(app):
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(passport(gender=Gender.FEMALE))
    assert refused.value.field == "birth_date"
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(passport(birth_date=date(1988, 3, 1)))
    assert refused.value.field == "gender"
    volunteer = accounts.register_volunteer(
        passport(birth_date=date(1988, 3, 1), gender=Gender.FEMALE)
    )
    assert (volunteer.birth_date, volunteer.gender) == (date(1988, 3, 1), Gender.FEMALE)


def test_a_child_with_a_travel_permit_needs_a_guardian_and_shows_as_a_minor(app):
    child = registration(
        id_type=IdType.HK_MACAU_PERMIT,
        id_number="H12345678",
        birth_date=date(2015, 6, 1),
        gender=Gender.MALE,
    )
    with pytest.raises(ServiceError) as refused:
        accounts.register_volunteer(child, now=JUST_AFTER_BEIJING_MIDNIGHT)
    assert refused.value.field == "guardian_name"
    teenager = registration(
        id_type=IdType.TAIWAN_PERMIT,
        id_number="12345678",
        birth_date=date(2010, 6, 1),
        gender=Gender.FEMALE,
    )
    volunteer = accounts.register_volunteer(teenager, now=JUST_AFTER_BEIJING_MIDNIGHT)
    assert identity.is_minor(volunteer.birth_date, date(2026, 11, 27))


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_residence_permits_of_hong_kong_macau_and_taiwan_residents_are_their_own_type(app, region):
    number = identity.make_hmt_residence_id(region, date(1996, 7, 1), 123)
    volunteer = accounts.register_volunteer(
        registration(id_type=IdType.HMT_RESIDENCE, id_number=number.lower())
    )
    assert volunteer.id_type == IdType.HMT_RESIDENCE
    assert (volunteer.birth_date, volunteer.gender) == (date(1996, 7, 1), Gender.MALE)


def test_residence_permit_numbers_are_checked_like_resident_ids(app):
    good = identity.make_hmt_residence_id("810000", date(1996, 7, 1), 124)
    assert identity.id_number_error(IdType.HMT_RESIDENCE, good) is None
    wrong_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    not_hmt = identity.make_hmt_residence_id("840000", date(1996, 7, 1), 124)
    impossible_day = identity.make_hmt_residence_id("820000", date(1996, 7, 1), 124).replace(
        "19960701", "19960231"
    )
    for number in (wrong_digit, not_hmt, impossible_day, good[:17], "A" + good[1:]):
        assert identity.id_number_error(IdType.HMT_RESIDENCE, number), number
    # A mainland resident ID is not a residence permit, and the other way round.
    assert identity.id_number_error(IdType.HMT_RESIDENCE, factories.resident_id())
    assert identity.id_number_error(IdType.RESIDENT_ID, good)


def test_a_residence_permit_holder_on_a_roster_matches_and_gets_a_certificate(app):
    assert ID_TYPE_BY_CHINESE_NAME["港澳台居民居住证"] == IdType.HMT_RESIDENCE
    support.set_issuer()
    number = identity.make_hmt_residence_id("820000", date(1990, 1, 2), 11)
    volunteer = accounts.register_volunteer(
        registration(id_type=IdType.HMT_RESIDENCE, id_number=number)
    )
    served = factories.make_activity(
        factories.make_organization(), starts_at=support.this_year_moment(days_ago=2)
    )
    factories.make_record(volunteer, served, minutes=60)  # a certificate needs credited time
    issued = certificates.issue_certificate(volunteer, periods.all_time(), actor=None)
    assert issued.content["id_type_name"] == "港澳台居民居住证"
