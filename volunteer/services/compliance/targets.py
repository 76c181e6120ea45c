"""The targets of an assessment year: staff and party shares, minimum time, milestone."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import ComplianceSettings, PoliticalStatus, User
from volunteer.services import staleness
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError

DEFAULT_STAFF_TARGET = Decimal("0.7000")
DEFAULT_PARTY_TARGET = Decimal("0.9000")
# The campaign plan: year 1 aims for 80% of units meeting targets, year 2 for 100%.
DEFAULT_MIN_MINUTES = 1
SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Targets:
    """The targets in force for a year (a ComplianceSettings row, or the defaults)."""

    year: int
    staff_target: Decimal = DEFAULT_STAFF_TARGET
    party_target: Decimal = DEFAULT_PARTY_TARGET
    count_probationary: bool = True
    min_minutes: int = DEFAULT_MIN_MINUTES
    milestone: Decimal | None = None
    saved: bool = False

    def party_statuses(self) -> tuple[PoliticalStatus, ...]:
        """The political statuses counted as party members this year."""
        if self.count_probationary:
            return (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)
        return (PoliticalStatus.CPC_MEMBER,)


def targets_for(year: int) -> Targets:
    """The targets set for `year`, or the DOMAIN.md defaults when none were saved."""
    row = db.session.get(ComplianceSettings, year)
    if row is None:
        return Targets(year=year)
    return Targets(
        year=year,
        staff_target=Decimal(row.staff_target),
        party_target=Decimal(row.party_target),
        count_probationary=row.count_probationary,
        min_minutes=row.min_minutes,
        milestone=Decimal(row.milestone) if row.milestone is not None else None,
        saved=True,
    )


def save_targets(
    year: int,
    *,
    staff_target: Decimal,
    party_target: Decimal,
    count_probationary: bool,
    min_minutes: int,
    milestone: Decimal | None,
    actor: User | None,
) -> ComplianceSettings:
    """Create or change the targets of `year` (audited)."""
    _check_targets(year, staff_target, party_target, min_minutes, milestone)
    row, before = _settings_row(year)
    row.staff_target = staff_target.quantize(SHARE_PLACES)
    row.party_target = party_target.quantize(SHARE_PLACES)
    row.count_probationary = count_probationary
    row.min_minutes = min_minutes
    row.milestone = milestone.quantize(SHARE_PLACES) if milestone is not None else None
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    staleness.targets_changed(year)
    record_audit(
        actor, "compliance.settings", None, year=year, before=before, after=_settings_snapshot(row)
    )
    return row


def _settings_row(year: int) -> tuple[ComplianceSettings, dict | None]:
    """The year's settings row (added when new) and its values before the change."""
    if (row := db.session.get(ComplianceSettings, year)) is not None:
        return row, _settings_snapshot(row)
    row = ComplianceSettings(year=year)
    db.session.add(row)
    return row, None


def _check_targets(
    year: int,
    staff_target: Decimal,
    party_target: Decimal,
    min_minutes: int,
    milestone: Decimal | None,
) -> None:
    """Raise a ServiceError naming the field when a value is out of range."""
    if not 2000 <= year <= 2100:
        raise ServiceError(_l("Enter a year between 2000 and 2100."), "year")
    for name, value in (("staff_target", staff_target), ("party_target", party_target)):
        if not Decimal(0) < value <= Decimal(1):
            raise ServiceError(_l("A target is a share above 0% and at most 100%."), name)
    if milestone is not None and not Decimal(0) <= milestone <= Decimal(1):
        raise ServiceError(_l("The milestone is a share from 0% to 100%."), "milestone")
    if min_minutes < 1:
        raise ServiceError(_l("The minimum service time must be more than zero."), "min_hours")


def _settings_snapshot(row: ComplianceSettings) -> dict:
    return {
        "staff_target": str(row.staff_target),
        "party_target": str(row.party_target),
        "count_probationary": row.count_probationary,
        "min_minutes": row.min_minutes,
        "milestone": None if row.milestone is None else str(row.milestone),
    }


def saved_years() -> list[ComplianceSettings]:
    """Every year with saved targets, newest first."""
    return list(
        db.session.scalars(select(ComplianceSettings).order_by(ComplianceSettings.year.desc()))
    )
