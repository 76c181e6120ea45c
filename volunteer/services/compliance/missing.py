"""Who is missing: roster people not registered, or registered without enough hours.

One statement for a unit or a whole subtree, over the roster of the period's last
day (as the report counts it); roster entries match volunteers by
the normalized ID number at query time, so someone who registers after the
roster was uploaded counts at once.
"""

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, Select, Subquery, and_, func, select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import CreditEntry, RosterEntry, Unit, Volunteer
from volunteer.services import ledger
from volunteer.services.compliance.scope import on_roster, party_flag, roster_day, subtree_clause
from volunteer.services.compliance.targets import Targets, targets_for
from volunteer.services.periods import Period


class Missing(enum.StrEnum):
    """Why a roster person does not count as completed."""

    NOT_REGISTERED = "not_registered"
    NO_HOURS = "no_hours"


# Written into the Excel lists used to chase people.
MISSING_LABELS = {
    Missing.NOT_REGISTERED: _l("Not registered"),
    Missing.NO_HOURS: _l("Registered, not enough hours"),
}
# Rows fetched at a time when the missing people of a subtree are streamed.
STREAM_BATCH = 2000


@dataclass(frozen=True)
class MissingPerson:
    """A roster person who has not completed, with what is needed to chase them."""

    unit_id: int
    unit_code: str
    unit_name: str
    name: str
    id_number: str
    phone: str | None
    position: str | None
    party: bool
    reason: Missing
    volunteer_number: str | None
    minutes: int


def missing_people(
    root: Unit, period: Period, targets: Targets | None = None, subtree: bool = False
) -> list[MissingPerson]:
    """Roster people of the unit (or subtree) unregistered or short of min_minutes in the period."""
    statement = _missing_of(root, period, targets, subtree)
    return [_missing_person(row) for row in db.session.execute(statement)]


def stream_missing_people(
    root: Unit, period: Period, targets: Targets | None = None, subtree: bool = False
) -> Iterator[MissingPerson]:
    """The same people as `missing_people`, in the same order (grouped by unit), fetched
    STREAM_BATCH rows at a time (a server-side cursor on PostgreSQL): a province's list is
    never in memory at once. Nothing may commit the session until it is read to the end."""
    statement = _missing_of(root, period, targets, subtree)
    result = db.session.execute(statement.execution_options(yield_per=STREAM_BATCH))
    with result:
        for row in result:
            yield _missing_person(row)


def _missing_of(root: Unit, period: Period, targets: Targets | None, subtree: bool) -> Select:
    """The missing-people statement of a unit, or of its subtree."""
    targets = targets or targets_for(period.year)
    units = subtree_clause(root) if subtree else Unit.id == root.id
    scope = and_(units, on_roster(roster_day(period)))
    return _missing_statement(scope, period, targets)


def _missing_statement(scope: ColumnElement[bool], period: Period, targets: Targets) -> Select:
    """Roster entries in scope without a volunteer or with too few minutes, by unit."""
    minutes = _minutes_served(scope, period)
    served = func.coalesce(minutes.c.minutes, 0)
    return (
        select(
            Unit.id,
            Unit.code,
            Unit.name.label("unit_name"),
            RosterEntry.name,
            RosterEntry.id_number,
            RosterEntry.phone,
            RosterEntry.position,
            party_flag(targets).label("party"),
            Volunteer.volunteer_number,
            RosterEntry.volunteer_id,
            served.label("served"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .outerjoin(Volunteer, Volunteer.id == RosterEntry.volunteer_id)
        .outerjoin(minutes, minutes.c.volunteer_id == RosterEntry.volunteer_id)
        .where(
            scope,
            (RosterEntry.volunteer_id.is_(None)) | (served < targets.min_minutes),
        )
        .order_by(
            Unit.path, RosterEntry.volunteer_id.is_not(None), RosterEntry.name, RosterEntry.id
        )
    )


def _minutes_served(scope: ColumnElement[bool], period: Period) -> Subquery:
    """Credited minutes in the period of each volunteer on a roster in scope."""
    return (
        select(CreditEntry.volunteer_id, func.sum(CreditEntry.minutes).label("minutes"))
        .where(CreditEntry.volunteer_id.in_(_listed_volunteers(scope)), ledger.in_period(period))
        .group_by(CreditEntry.volunteer_id)
        .subquery("minutes")
    )


def _listed_volunteers(scope: ColumnElement[bool]) -> Select:
    """Volunteers on a roster in scope (a subquery: someone on two rosters is summed once)."""
    return (
        select(RosterEntry.volunteer_id)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(scope, RosterEntry.volunteer_id.is_not(None))
    )


def _missing_person(row: Row) -> MissingPerson:
    """A result row as a MissingPerson: no volunteer means not registered."""
    return MissingPerson(
        unit_id=row.id,
        unit_code=row.code,
        unit_name=row.unit_name,
        name=row.name,
        id_number=row.id_number,
        phone=row.phone,
        position=row.position,
        party=bool(row.party),
        reason=Missing.NOT_REGISTERED if row.volunteer_id is None else Missing.NO_HOURS,
        volunteer_number=row.volunteer_number,
        minutes=int(row.served),
    )
