"""The one query the network's reports total credited service time with.

Project pages and coverage read credited time through `credited_totals`, which sums
the per-day credit ledger (services.ledger): the same minutes every other report counts,
split at Beijing midnight. The recognition lists read the ledger's year totals kept on
write instead, and this query only for the distinct volunteers of the groups near the top.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from volunteer.extensions import db
from volunteer.models import Activity, CreditEntry
from volunteer.services.periods import local_date


@dataclass(frozen=True)
class Totals:
    """Credited minutes, participations (records crediting time) and distinct volunteers."""

    minutes: int = 0
    participations: int = 0
    people: int = 0


def credited_totals(
    key: ColumnElement[Any],
    start: datetime | None,
    end: datetime | None,
    *conditions: ColumnElement[bool],
) -> dict[Any, Totals]:
    """Credited time on the Beijing days inside [start, end), totalled per `key`.

    `key` and `conditions` may use CreditEntry and Activity columns: each piece names its
    record, volunteer and activity, so no record is read (a few activities' pieces come from
    their own index). A record crediting 0 minutes is not a participation, so it is left out
    altogether.
    """
    rows = db.session.execute(
        select(
            key,
            func.sum(CreditEntry.minutes),
            func.count(CreditEntry.record_id.distinct()),
            func.count(CreditEntry.volunteer_id.distinct()),
        )
        .join(Activity, Activity.id == CreditEntry.activity_id)
        .where(*_days(start, end), CreditEntry.minutes > 0, *conditions)
        .group_by(key)
    )
    return {row[0]: Totals(int(row[1]), int(row[2]), int(row[3])) for row in rows}


def _days(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    """Ledger days from the Beijing day of `start` up to (not including) that of `end`."""
    days = []
    if start is not None:
        days.append(CreditEntry.day >= local_date(start))
    if end is not None:
        days.append(CreditEntry.day < local_date(end))
    return days
