"""The one resident-ID builder that tests, the demo and the bench share."""

from datetime import date

import pytest

from volunteer.models import Gender, IdType
from volunteer.services import identity


@pytest.mark.parametrize(
    ("sequence", "gender"), [(0, Gender.FEMALE), (1, Gender.MALE), (998, Gender.FEMALE)]
)
def test_a_built_resident_id_is_valid_and_says_birth_date_and_gender(sequence, gender):
    number = identity.make_resident_id("150626", date(2003, 2, 28), sequence)
    assert number.startswith("15062620030228") and len(number) == 18
    assert identity.id_number_error(IdType.RESIDENT_ID, number) is None
    facts = identity.resident_id_facts(number)
    assert (facts.birth_date, facts.gender) == (date(2003, 2, 28), gender)


def test_the_check_digit_can_be_x():
    # 11010519491231002X is the standard's own worked example.
    assert identity.make_resident_id("110105", date(1949, 12, 31), 2) == "11010519491231002X"


def _resident_id_cases() -> list[str]:
    """Numbers across regions (known, retired, unknown), birth years and every kind of fault."""
    import random

    rng = random.Random(11643)
    regions = ["150626", "152727", "110101", "152701", "999999", "150000", "152722"]
    numbers = []
    for _ in range(600):
        birth = date(rng.randrange(1930, 2024), rng.randrange(1, 13), rng.randrange(1, 29))
        number = identity.make_resident_id(rng.choice(regions), birth, rng.randrange(1000))
        fault = rng.randrange(6)
        if fault == 1:  # a wrong check digit
            number = number[:-1] + str((int(number[-1].replace("X", "0")) + 1) % 10)
        elif fault == 2:  # an impossible date, with a right check digit
            body = number[:10] + "1332" + number[14:17]
            number = body + identity.ric.calc_check_digit(body + "0")
        elif fault == 3:  # a short number
            number = number[:-2]
        elif fault == 4:  # a letter inside
            number = number[:8] + "A" + number[9:]
        numbers.append(number)
    return numbers


def test_the_faster_resident_id_check_agrees_with_stdnum_on_every_kind_of_number():
    from stdnum import exceptions as stdnum_errors
    from stdnum.cn import ric

    def stdnum_says(number):
        try:
            ric.validate(number)
        except stdnum_errors.ValidationError as error:
            return type(error)
        return None

    def ours(number):
        try:
            identity._validate_resident_id(number)
        except stdnum_errors.ValidationError as error:
            return type(error)
        return None

    cases = _resident_id_cases()
    assert {stdnum_says(number) for number in cases} == {
        None,
        stdnum_errors.InvalidChecksum,
        stdnum_errors.InvalidComponent,  # impossible dates, unknown or retired regions
        stdnum_errors.InvalidLength,
        stdnum_errors.InvalidFormat,
    }
    assert [ours(number) for number in cases] == [stdnum_says(number) for number in cases]
