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
