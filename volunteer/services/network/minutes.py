"""The one query the network's reports total credited service time with.

Rankings, project pages and coverage read approved time only through
`credited_totals`, so switching the source (to a per-day credit ledger, say)
is a change to this one function.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from volunteer.extensions import db
from volunteer.models import Activity, ServiceRecord
from volunteer.services import hours


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
    """Approved credited time checked in inside [start, end), totalled per `key`.

    `key` and `conditions` may use ServiceRecord and Activity columns. A record
    crediting 0 minutes is not a participation, so it is left out altogether.
    """
    rows = db.session.execute(
        select(
            key,
            func.sum(ServiceRecord.credited_minutes),
            func.count(ServiceRecord.id),
            func.count(ServiceRecord.volunteer_id.distinct()),
        )
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(hours.approved(start, end), ServiceRecord.credited_minutes > 0, *conditions)
        .group_by(key)
    )
    return {row[0]: Totals(int(row[1]), int(row[2]), int(row[3])) for row in rows}
