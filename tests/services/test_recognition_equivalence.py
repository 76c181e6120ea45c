"""The volunteer ranking read from the year totals equals the first version's, which summed
every ledger piece per person in Python (kept here as the oracle), on random small worlds:
ties, the list's cut-off, New Year's Eve records, stars, revocations, rejections, subtrees."""

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import (
    Adjustment,
    Certificate,
    CreditEntry,
    HonourCategory,
    RecordStatus,
    UnitKind,
    Volunteer,
)
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import ledger
from volunteer.services.certificates.stars import star_level
from volunteer.services.network import recognition
from volunteer.services.network.minutes import Totals, credited_totals
from volunteer.services.network.recognition import Candidate, Criteria

YEAR = 2025
# Beijing starts: last year, this year, New Year's Eve (a record crossing into next year), next.
STARTS = [
    datetime(YEAR - 1, 6, 1, 9, tzinfo=LOCAL_ZONE),
    datetime(YEAR, 3, 2, 9, tzinfo=LOCAL_ZONE),
    datetime(YEAR, 7, 9, 14, tzinfo=LOCAL_ZONE),
    datetime(YEAR, 12, 31, 23, tzinfo=LOCAL_ZONE),
    datetime(YEAR + 1, 2, 1, 9, tzinfo=LOCAL_ZONE),
]


# ---- the oracle: the first version, per row in Python over every volunteer ----


def oracle(year: int, criteria: Criteria, within) -> list[Candidate]:
    """The volunteer list exactly as first computed (recognition before the year totals)."""
    start, end = recognition._year_bounds(year)
    scope = recognition._subtree(within, Volunteer.unit_id)
    people = select(Volunteer.id).where(scope) if scope is not None else None
    conditions = [CreditEntry.volunteer_id.in_(people)] if people is not None else []
    totals = credited_totals(CreditEntry.volunteer_id, start, end, *conditions)
    eligible = {
        vid: t
        for vid, t in totals.items()
        if t.minutes >= criteria.min_hours * 60 and t.participations >= criteria.min_participations
    }
    stars = _oracle_stars(list(eligible), end)
    blemished = _oracle_blemished(start, end) if criteria.clean_record else set()
    eligible = {
        v: t
        for v, t in eligible.items()
        if stars[v] >= criteria.min_star_level and v not in blemished
    }
    volunteers = db.session.scalars(select(Volunteer).where(Volunteer.id.in_(eligible)))
    entries = [
        (
            (-eligible[v.id].minutes, -eligible[v.id].participations),
            Candidate(
                HonourCategory.VOLUNTEER,
                v.id,
                v.name,
                v.volunteer_number or "",
                0,
                eligible[v.id],
                stars[v.id],
            ),
        )
        for v in volunteers
    ]
    ranked = recognition._ranked(entries)
    return [c for c in ranked if c.rank <= criteria.list_size]


def _oracle_stars(volunteer_ids, end) -> dict[int, int]:
    cumulative = credited_totals(
        CreditEntry.volunteer_id, None, end, CreditEntry.volunteer_id.in_(volunteer_ids)
    )
    return {vid: star_level(cumulative.get(vid, Totals()).minutes) for vid in volunteer_ids}


def _oracle_blemished(start, end) -> set[int]:
    return set(db.session.scalars(recognition._blemished(start, end)))


# ---- random worlds ----


def _world(rng: random.Random):
    banner = factories.make_unit("WS", "乌审旗")
    towns = [factories.make_unit(f"T{i}", f"镇{i}", banner, UnitKind.TOWN) for i in (1, 2)]
    organization = factories.make_organization("嘎鲁图镇志愿服务队", towns[0])
    activities = [factories.make_activity(organization, starts_at=s, hours=3) for s in STARTS]
    numbers = ["V1", "V2", "V3", None, None, "V10", "v2", "V20", "W1", None, "V4", "V5", None]
    for index, number in enumerate(numbers):
        unit = rng.choice([banner, *towns, None])
        volunteer = factories.make_volunteer(rng.choice(["宝音", "阿拉坦", "Bai"]), unit=unit)
        volunteer.volunteer_number = number
        _serve(rng, volunteer, activities, index)
    return banner, towns


def _serve(rng: random.Random, volunteer, activities, index: int) -> None:
    """A few records of round minutes (ties are likely), some rejected or revoked."""
    for _record in range(rng.randint(0, 5)):
        activity = rng.choice(activities)
        minutes = rng.choice([0, 15, 30, 60, 60, 90, 240])
        offset = timedelta(minutes=rng.choice([0, 0, 30]))
        record = factories.make_record(
            volunteer, activity, minutes, check_in_at=activity.starts_at + offset
        )
        if rng.random() < 0.2:
            _reject(record)
    if rng.random() < 0.1:
        _revoked_certificate(volunteer, index)


def _reject(record) -> None:
    """Turn the record rejected as a decision does: its credit leaves the ledger (a year
    total may stay behind at 0 minutes) and an adjustment says so."""
    ledger.clear_credit(record)
    record.status = RecordStatus.REJECTED
    db.session.add(
        Adjustment(
            record=record,
            created_at=datetime(YEAR, 8, 1, 12, tzinfo=LOCAL_ZONE),
            reason="错录",
            before_minutes=record.credited_minutes,
            after_minutes=0,
            before_status=RecordStatus.APPROVED.value,
            after_status=RecordStatus.REJECTED.value,
        )
    )


def _revoked_certificate(volunteer, index: int) -> None:
    db.session.add(
        Certificate(
            serial=f"WSZM{YEAR}{index:06d}",
            volunteer=volunteer,
            period_end=datetime(YEAR, 12, 31).date(),
            total_minutes=0,
            content={},
            revoked_at=datetime(YEAR, 6, 1, 12, tzinfo=LOCAL_ZONE),
        )
    )


def _criteria(rng: random.Random) -> Criteria:
    return Criteria(
        min_hours=rng.choice([0, 0, 1, 2]),
        min_participations=rng.choice([0, 1, 2, 3]),
        min_star_level=rng.choice([0, 0, 1, 2, 6]),
        clean_record=rng.random() < 0.5,
        list_size=rng.choice([1, 2, 3, 20]),
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("reach", [(1, 2), (recognition.FIRST_REACH, recognition.WIDENING)])
def test_the_volunteer_ranking_equals_the_first_versions(app, monkeypatch, seed, reach):
    # A first reach of one person per place, widened by two, takes every path of the search.
    monkeypatch.setattr(recognition, "FIRST_REACH", reach[0])
    monkeypatch.setattr(recognition, "WIDENING", reach[1])
    app.config["STAR_LEVEL_THRESHOLD_HOURS"] = (1, 2.5, 4, 6, 8)
    rng = random.Random(seed)
    banner, towns = _world(rng)
    db.session.flush()
    for _round in range(6):
        criteria = _criteria(rng)
        for within in (None, banner, *towns):
            for year in (YEAR, YEAR + 1):
                expected = oracle(year, criteria, within)
                found = recognition.ranking(HonourCategory.VOLUNTEER, year, criteria, within)
                assert found == expected, (criteria, within, year)


def test_the_oracle_sees_ties_and_cuts(app):
    """The random worlds do reach the cases that matter (else the comparison proves little)."""
    app.config["STAR_LEVEL_THRESHOLD_HOURS"] = (1, 2.5, 4, 6, 8)
    seen_tie = seen_cut = False
    for seed in range(8):
        rng = random.Random(seed)
        _world(rng)
        loose = Criteria(min_hours=0, min_participations=0, list_size=2, clean_record=False)
        found = oracle(YEAR, replace(loose, list_size=100), None)
        ranks = [c.rank for c in found]
        seen_tie |= len(set(ranks)) < len(ranks)
        seen_cut |= len(oracle(YEAR, loose, None)) < len(found)
        db.session.rollback()
    assert seen_tie and seen_cut
