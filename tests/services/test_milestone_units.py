"""The milestone's denominator (DOMAIN.md "No minute twice", last rule): assessed units only
(参与考核); an assessed unit without a roster is not meeting; the banner never counts."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import ComplianceSettings, Unit, UnitKind
from volunteer.services import compliance, periods, units
from volunteer.services.errors import ServiceError

YEAR = 2025
PERIOD = periods.year_period(YEAR)


@pytest.fixture
def tree(app):
    """乌审旗 > 嘎鲁图镇 > 萨如拉嘎查, and two departments: a small tree counted by hand."""
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("T1", "嘎鲁图镇", banner, UnitKind.TOWN)
    return {
        "banner": banner,
        "town": town,
        "village": f.make_unit("V1", "萨如拉嘎查", town, UnitKind.VILLAGE),
        "education": f.make_unit("D1", "旗教育局", banner),
        "health": f.make_unit("D2", "旗卫健委", banner),
        "activity": f.make_activity(
            f.make_organization(), starts_at=datetime(YEAR, 6, 1, 2, tzinfo=UTC)
        ),
    }


def completes(tree, unit) -> None:
    """One person on `unit`'s roster who served in the period: the unit meets its targets."""
    volunteer = f.make_volunteer()
    f.make_roster_entry(unit, volunteer)
    f.make_record(volunteer, tree["activity"], 60)


def test_departments_and_towns_are_assessed_by_default_and_the_banner_never(tree):
    assessed = {code for code, unit in tree.items() if code != "activity" and unit.assessed}
    assert assessed == {"town", "education", "health"}


def test_the_milestone_counts_assessed_units_with_a_missing_roster_as_not_meeting(tree):
    db.session.add(ComplianceSettings(year=YEAR, milestone=Decimal("0.8")))
    for unit in ("banner", "town", "village", "education"):
        completes(tree, tree[unit])
    # By hand: assessed are the town, education and health (no roster); meeting: town, education.
    report = compliance.compliance_report(tree["banner"], PERIOD)
    assert (report.units_meeting, report.units_assessed) == (2, 3)
    assert report.meeting_share == Decimal("0.6666")
    assert report.milestone_reached is False
    assert report.units_needed_for_milestone == 1  # ceil(0.8 * 3) - 2
    assert [row.name for row in report.assessed_without_roster] == ["旗卫健委"]


def test_an_admin_may_take_a_unit_into_the_assessment_or_out_of_it(tree):
    completes(tree, tree["village"])
    units.set_assessed(tree["village"], True)
    units.set_assessed(tree["health"], False)
    report = compliance.compliance_report(tree["banner"], PERIOD)
    # Assessed now: the town (no roster), education (no roster), the village (meets).
    assert (report.units_meeting, report.units_assessed) == (1, 3)
    assert {row.name for row in report.assessed_without_roster} == {"嘎鲁图镇", "旗教育局"}


def test_the_banner_cannot_be_assessed_by_the_service_nor_in_the_database(tree):
    with pytest.raises(ServiceError) as refused:
        units.set_assessed(tree["banner"], True)
    assert refused.value.field == "assessed"
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(update(Unit).where(Unit.id == tree["banner"].id).values(assessed=True))
