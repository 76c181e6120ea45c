"""Checks shared by the ledger's tests: the activities' year totals against the ledger."""

from collections import defaultdict

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import ActivityYearMinutes, CreditEntry, ServiceRecord


def ledger_activity_sums() -> dict[tuple[int, int], tuple[int, int]]:
    """(activity, year) -> (minutes, records crediting more than 0 minutes that year), from
    every ledger row in Python: the oracle the kept totals must equal."""
    per_record: dict[tuple[int, int, int], int] = defaultdict(int)
    rows = db.session.execute(
        select(
            ServiceRecord.activity_id, ServiceRecord.id, CreditEntry.day, CreditEntry.minutes
        ).join(ServiceRecord, ServiceRecord.id == CreditEntry.record_id)
    )
    for activity_id, record_id, day, minutes in rows:
        per_record[(activity_id, day.year, record_id)] += minutes
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for (activity_id, year, _record), minutes in per_record.items():
        sums[(activity_id, year)][0] += minutes
        sums[(activity_id, year)][1] += minutes > 0
    return {key: (m, p) for key, (m, p) in sums.items() if m or p}


def kept_activity_totals() -> dict[tuple[int, int], tuple[int, int]]:
    """The table, leaving out rows back at nothing (a year that lost all its minutes)."""
    rows = db.session.execute(
        select(
            ActivityYearMinutes.activity_id,
            ActivityYearMinutes.year,
            ActivityYearMinutes.minutes,
            ActivityYearMinutes.participations,
        )
    )
    return {(a, y): (m, p) for a, y, m, p in rows if m or p}


def assert_activity_totals_match() -> None:
    """The kept totals equal the ledger's sums, activity by activity, year by year; and every
    ledger piece names its record's activity."""
    db.session.flush()
    assert kept_activity_totals() == ledger_activity_sums()
    misplaced = db.session.scalars(
        select(CreditEntry.id)
        .join(ServiceRecord, ServiceRecord.id == CreditEntry.record_id)
        .where(CreditEntry.activity_id != ServiceRecord.activity_id)
    ).all()
    assert misplaced == []
