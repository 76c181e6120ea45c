"""Identity rules: ID numbers, phones, and what a resident ID tells us."""

import functools
import re
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric
from stdnum.iso7064 import mod_11_2
from stdnum.util import isdigits

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Gender, IdType, PoliticalStatus

MOBILE_PATTERN = re.compile(r"^1\d{10}$")
# Other document types get format checks only (DOMAIN.md "Identity rules").
ID_FORMATS: dict[IdType, re.Pattern[str]] = {
    IdType.PASSPORT: re.compile(r"^[A-Z0-9]{5,17}$"),
    IdType.HK_MACAU_PERMIT: re.compile(r"^[HM]\d{8,10}$"),
    IdType.TAIWAN_PERMIT: re.compile(r"^\d{8}$|^[A-Z]\d{9}$"),
    IdType.FOREIGNER_RESIDENCE: re.compile(r"^[A-Z]{3}\d{12}$|^9\d{17}$"),
}

ID_TYPE_LABELS = {
    IdType.RESIDENT_ID: _l("Resident ID card"),
    IdType.PASSPORT: _l("Passport"),
    IdType.HK_MACAU_PERMIT: _l("Hong Kong/Macau travel permit"),
    IdType.TAIWAN_PERMIT: _l("Taiwan travel permit"),
    IdType.FOREIGNER_RESIDENCE: _l("Foreigner permanent residence ID"),
    IdType.HMT_RESIDENCE: _l("Residence permit for Hong Kong, Macau and Taiwan residents"),
}

# Numbers that state the holder's birth date and gender (GB 11643 layout); for the other
# documents the person gives both, so the under-14 and under-18 rules apply to everyone.
ID_TYPES_STATING_BIRTH = (IdType.RESIDENT_ID, IdType.HMT_RESIDENCE)
# 港澳台居民居住证 carry the region code of Hong Kong, Macau or Taiwan.
HMT_RESIDENCE_REGIONS = ("810000", "820000", "830000")
HMT_RESIDENCE_PATTERN = re.compile(r"^\d{17}[\dX]$")

POLITICAL_STATUS_LABELS = {
    PoliticalStatus.CPC_MEMBER: _l("CPC member"),
    PoliticalStatus.CPC_PROBATIONARY: _l("CPC probationary member"),
    PoliticalStatus.CYL_MEMBER: _l("Communist Youth League member"),
    PoliticalStatus.RCCK: _l("RCCK member"),
    PoliticalStatus.CDL: _l("China Democratic League member"),
    PoliticalStatus.CNDCA: _l("CNDCA member"),
    PoliticalStatus.CAPD: _l("CAPD member"),
    PoliticalStatus.CPWDP: _l("Chinese Peasants' and Workers' Democratic Party member"),
    PoliticalStatus.CZGP: _l("China Zhi Gong Party member"),
    PoliticalStatus.JIUSAN: _l("Jiusan Society member"),
    PoliticalStatus.TDSL: _l("Taiwan Democratic Self-Government League member"),
    PoliticalStatus.NON_PARTISAN: _l("Non-partisan"),
    PoliticalStatus.MASSES: _l("The masses (no affiliation)"),
}

# The Chinese names as printed on rosters, for reading uploaded spreadsheets.
POLITICAL_STATUS_BY_CHINESE_NAME = {
    "中共党员": PoliticalStatus.CPC_MEMBER,
    "中国共产党党员": PoliticalStatus.CPC_MEMBER,
    "党员": PoliticalStatus.CPC_MEMBER,
    "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "共青团员": PoliticalStatus.CYL_MEMBER,
    "团员": PoliticalStatus.CYL_MEMBER,
    "民革会员": PoliticalStatus.RCCK,
    "民盟盟员": PoliticalStatus.CDL,
    "民建会员": PoliticalStatus.CNDCA,
    "民进会员": PoliticalStatus.CAPD,
    "农工党党员": PoliticalStatus.CPWDP,
    "致公党党员": PoliticalStatus.CZGP,
    "九三学社社员": PoliticalStatus.JIUSAN,
    "台盟盟员": PoliticalStatus.TDSL,
    "无党派人士": PoliticalStatus.NON_PARTISAN,
    "无党派": PoliticalStatus.NON_PARTISAN,
    "群众": PoliticalStatus.MASSES,
}

PARTY_STATUSES = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)


@dataclass(frozen=True)
class ResidentIdFacts:
    """What a valid resident ID number says about its holder."""

    birth_date: date
    gender: Gender


def normalize_id_number(raw: str | None) -> str:
    """Trim, drop inner spaces and upper-case (a trailing x becomes X)."""
    return re.sub(r"\s+", "", raw or "").upper()


def normalize_phone(raw: str | None) -> str:
    """Drop spaces, dashes and a +86 prefix from a phone number."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def id_number_error(id_type: IdType, id_number: str) -> str | None:
    """Why this normalized ID number is invalid for its type, or None if it is valid."""
    if not id_number:
        return str(_l("Enter the ID number."))
    if id_type == IdType.RESIDENT_ID:
        return _resident_id_error(id_number)
    if id_type == IdType.HMT_RESIDENCE:
        return _hmt_residence_error(id_number)
    if not ID_FORMATS[id_type].match(id_number):
        return str(_l("The document number is not in the expected format."))
    return None


def _resident_id_error(id_number: str) -> str | None:
    """What is wrong with a resident ID number (GB 11643), or None if nothing is."""
    try:
        _validate_resident_id(id_number)
    except stdnum_errors.InvalidChecksum:
        return str(_l("The ID number's check digit is wrong; please check it."))
    except stdnum_errors.InvalidLength:
        return str(_l("A resident ID number has 18 characters."))
    except stdnum_errors.InvalidComponent:
        return str(_l("The ID number holds an impossible birth date or region."))
    except stdnum_errors.ValidationError:
        return str(_l("The ID number is not in the resident ID format."))
    return None


def _validate_resident_id(id_number: str) -> None:
    """stdnum's `ric.validate`, step by step, with the birth place looked up once per region
    and birth year: the lookup scans stdnum's region database, and was 80% of the time a
    50,000-row roster took to check. (The number is already normalized: no separators.)"""
    number = id_number.replace(" ", "").replace("-", "").upper().strip()
    if len(number) != 18:
        raise stdnum_errors.InvalidLength()
    if not isdigits(number[:-1]):
        raise stdnum_errors.InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise stdnum_errors.InvalidChecksum()
    birth = _number_birth_date(number)
    if birth is None or not _birth_place_known(number[:6], birth.year):
        raise stdnum_errors.InvalidComponent()


@functools.lru_cache(maxsize=8192)
def _birth_place_known(region: str, year: int) -> bool:
    """Whether the region code was a county's in that year (stdnum's own lookup)."""
    try:
        ric.get_birth_place(f"{region}{year:04d}01010000")
    except stdnum_errors.InvalidComponent:
        return False
    return True


def _hmt_residence_error(id_number: str) -> str | None:
    """What is wrong with a Hong Kong/Macau/Taiwan residence permit number, or None."""
    if not HMT_RESIDENCE_PATTERN.match(id_number):
        return str(_l("A residence permit number has 17 digits and a check character."))
    if id_number[:6] not in HMT_RESIDENCE_REGIONS:
        return str(_l("A residence permit number starts with 810000, 820000 or 830000."))
    if _number_birth_date(id_number) is None:
        return str(_l("The ID number holds an impossible birth date or region."))
    if not mod_11_2.is_valid(id_number):
        return str(_l("The ID number's check digit is wrong; please check it."))
    return None


def _number_birth_date(id_number: str) -> date | None:
    """The birth date in characters 7-14 of a GB 11643 style number, None if impossible."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def make_resident_id(region: str, birth_date: date, sequence: int) -> str:
    """A resident ID number (GB 11643) with its check digit; an odd `sequence` (0-999) is male."""
    body = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function ignores the last character


def make_hmt_residence_id(region: str, birth_date: date, sequence: int) -> str:
    """A residence permit number for Hong Kong/Macau/Taiwan residents, with its check digit."""
    body = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return body + mod_11_2.calc_check_digit(body)


def resident_id_facts(id_number: str) -> ResidentIdFacts:
    """Birth date and gender from a valid resident ID or residence permit (odd 17th: male)."""
    gender = Gender.MALE if int(id_number[16]) % 2 == 1 else Gender.FEMALE
    return ResidentIdFacts(birth_date=_number_birth_date(id_number), gender=gender)


def birth_date_error(birth_date: date | None, today: date) -> str | None:
    """Why a birth date cannot be right (missing, or after `today` in Beijing), or None."""
    if birth_date is None:
        return str(_l("Enter the date of birth."))
    if birth_date > today:
        return str(_l("The date of birth is in the future."))
    return None


def phone_error(phone: str) -> str | None:
    """Why this normalized phone is not a mainland mobile number, or None."""
    if not MOBILE_PATTERN.match(phone):
        return str(_l("Enter an 11-digit mainland mobile number starting with 1."))
    return None


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on `day`."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def is_minor(birth_date: date | None, today: date, adult_age: int = 18) -> bool:
    """Whether someone is under 18 (organizers must see it); unknown birth dates are not."""
    return birth_date is not None and age_on(birth_date, today) < adult_age
