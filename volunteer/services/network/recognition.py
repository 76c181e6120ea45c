"""Recognition: a year's ranked candidate lists, computed from approved service time.

How the lists are computed (criteria an admin sets per year, `Criteria`):

Volunteers (candidate 优秀志愿者). A volunteer is a candidate when ALL hold, each limit
inclusive (exactly the minimum qualifies):
- approved time credited in the year (Beijing calendar year, by check-in) >= `min_hours`;
- participations in the year (approved records crediting more than 0 minutes)
  >= `min_participations`;
- star level by cumulative approved time up to the end of the year >= `min_star_level`;
- with `clean_record`: no certificate of theirs revoked in the year and no record of theirs
  turned from approved to rejected in the year (an adjustment).
Candidates rank by credited minutes (most first), then participations (most first). Two
candidates equal on both share a rank, and the next rank skips ("1, 1, 3"); within a shared
rank they are listed by volunteer number, then account id, which orders but never ranks.

Leaders (带头人), organizations and projects rank by the volunteer time their activities
drew in the year: the sum of approved minutes of records at activities the leader created /
of the organization / in the project. A candidate needs at least `group_min_hours` drawn.
They rank by drawn minutes, then distinct volunteers (most first); ties share a rank as
above, listed by name then id.

Every list shows the candidates whose rank is at most `list_size`, so a tie at the cut-off
shows everyone in it. For a coordinator's subtree (`within`): volunteers whose work unit is in
the subtree (their time anywhere counts); leaders, organizations and projects counting only
activities of organizations whose unit is in the subtree. Volunteers' time is read from the
ledger's year totals (`YearMinutes`) and participations from the ledger's days, for the
people near the top only; the groups' time and participations from the activities' year
totals (`ActivityYearMinutes`), and their distinct volunteers from the ledger's pieces of
their activities (`CreditEntry.activity_id`) for the groups near the top only.
"""

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    ScalarSelect,
    Select,
    and_,
    false,
    func,
    select,
)
from sqlalchemy.orm import aliased

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityYearMinutes,
    Adjustment,
    Certificate,
    CreditEntry,
    HonourCategory,
    Organization,
    Project,
    RecordStatus,
    ServiceRecord,
    Unit,
    User,
    Volunteer,
    YearMinutes,
)
from volunteer.services import ledger
from volunteer.services.audit import record_audit
from volunteer.services.certificates.stars import minutes_for_level, star_level
from volunteer.services.network.minutes import Totals
from volunteer.services.periods import year_period
from volunteer.services.stored_settings import store_value, stored_value

SETTING_KEY = "recognition.criteria.{year}"


@dataclass(frozen=True)
class Criteria:
    """What a candidate needs in a year, and how long the lists are."""

    min_hours: int = 20
    min_participations: int = 3
    min_star_level: int = 0
    clean_record: bool = True
    group_min_hours: int = 50
    list_size: int = 20


@dataclass(frozen=True)
class Candidate:
    """One ranked candidate: who, with the figures the rank came from."""

    category: HonourCategory
    subject_id: int
    name: str
    detail: str
    rank: int
    totals: Totals
    star_level: int = 0


def criteria_for(year: int) -> Criteria:
    """The criteria set for `year` (the defaults when none were saved)."""
    stored = stored_value(SETTING_KEY.format(year=year))
    if not isinstance(stored, dict):
        return Criteria()
    return Criteria(**{k: v for k, v in stored.items() if k in Criteria.__dataclass_fields__})


def save_criteria(year: int, criteria: Criteria, actor: User) -> Criteria:
    """Store a year's criteria (an admin's choice)."""
    store_value(SETTING_KEY.format(year=year), asdict(criteria), actor)
    record_audit(actor, "recognition.criteria", None, year=year, **asdict(criteria))
    db.session.flush()
    return criteria


def ranking(
    category: HonourCategory, year: int, criteria: Criteria, within: Unit | None = None
) -> list[Candidate]:
    """The ranked candidates of one category for the year (see the module docstring)."""
    if category == HonourCategory.VOLUNTEER:
        return _cut(_volunteers(year, criteria, within), criteria.list_size)
    return _cut(_groups(category, year, criteria, within), criteria.list_size)


def is_candidate(
    category: HonourCategory, subject_id: int, year: int, within: Unit | None
) -> Candidate | None:
    """The subject's entry in the year's list for the subtree, or None when it is not there."""
    found = ranking(category, year, criteria_for(year), within)
    return next((c for c in found if c.subject_id == subject_id), None)


# ---- ranking ----


def _cut(candidates: list[Candidate], size: int) -> list[Candidate]:
    return [candidate for candidate in candidates if candidate.rank <= size]


def _ranked(entries: list[tuple[tuple, Candidate]]) -> list[Candidate]:
    """Sort by (score key, order key); equal score keys share the competition rank."""
    entries.sort(key=lambda entry: (entry[0], _order(entry[1])))
    ranked, previous = [], None
    for position, (score, candidate) in enumerate(entries, start=1):
        rank = ranked[-1].rank if score == previous else position
        ranked.append(replace(candidate, rank=rank))
        previous = score
    return ranked


def _order(candidate: Candidate) -> tuple:
    return (
        candidate.detail if candidate.category == HonourCategory.VOLUNTEER else candidate.name,
        candidate.subject_id,
    )


def _year_bounds(year: int):
    return year_period(year).utc_bounds()


def _subtree(within: Unit | None, unit_id_column) -> ColumnElement[bool] | None:
    """Units in `within`'s subtree, as a condition on a unit id column (None: everywhere)."""
    if within is None or within.parent_id is None:  # the banner's subtree is everything
        return None
    return unit_id_column.in_(select(Unit.id).where(Unit.path.startswith(within.path)))


# ---- volunteers ----


# How many people by minutes the first look reads (times the list's size), and by how much
# it widens when too few of them have the participations asked.
FIRST_REACH, WIDENING = 5, 8


def _volunteers(year: int, criteria: Criteria, within: Unit | None) -> list[Candidate]:
    """The year's volunteers up to the list's cut-off, reading only the people near the top.

    The list is a prefix of the order (minutes, then participations). The people the year
    totals put in the top `reach` by minutes (ties included) get their participations counted;
    when at least `list_size` of them pass, everyone else has fewer minutes than each of them,
    so the prefix is among them (`ranking` cuts the rest). Else the reach widens."""
    size = max(criteria.list_size, 1)
    population = _population(year, criteria, within)
    reach = FIRST_REACH * size
    while True:
        floor = db.session.scalar(
            population.with_only_columns(YearMinutes.minutes)
            .order_by(YearMinutes.minutes.desc())
            .offset(reach - 1)
            .limit(1)
        )
        near = population if floor is None else population.where(YearMinutes.minutes >= floor)
        rows = db.session.execute(_candidates(near, year, criteria)).all()
        if floor is None or len(rows) >= size:
            return _ranked([_volunteer_entry(row) for row in rows])
        reach *= WIDENING


def _population(year: int, criteria: Criteria, within: Unit | None) -> Select:
    """Year totals of the people in scope with enough minutes, stars and (if asked) a clean
    record: every rule but participations, which are counted in the ledger."""
    query = select(YearMinutes.volunteer_id, YearMinutes.minutes).where(
        YearMinutes.year == year,
        # At least one minute: the ledger's list holds only people credited in the year.
        YearMinutes.minutes >= max(criteria.min_hours * 60, 1),
    )
    if (scope := _subtree(within, Volunteer.unit_id)) is not None:
        query = query.where(YearMinutes.volunteer_id.in_(select(Volunteer.id).where(scope)))
    if criteria.clean_record:
        start, end = _year_bounds(year)
        query = query.where(YearMinutes.volunteer_id.not_in(_blemished(start, end)))
    if criteria.min_star_level > 0:
        query = query.where(YearMinutes.volunteer_id.in_(_starred(year, criteria.min_star_level)))
    return query


def _starred(year: int, level: int) -> Select:
    """Volunteers whose minutes up to the end of the year reach `level` stars (one pass over
    the year totals, so a rule few people meet does not send the search through everyone)."""
    needed = minutes_for_level(level)
    earlier = aliased(YearMinutes, name="earlier_years")
    query = select(earlier.volunteer_id).where(earlier.year <= year)
    if needed is None:
        return query.where(false())
    return query.group_by(earlier.volunteer_id).having(func.sum(earlier.minutes) >= needed)


def _candidates(near: Select, year: int, criteria: Criteria) -> Select:
    """Those of `near` meeting the participation rule, with what the list shows."""
    # Computed first: PostgreSQL otherwise prices the per-person counts over every row of
    # the year and compiles the statement (JIT), 0.5 s for a hundred people.
    people = near.cte("near").prefix_with("MATERIALIZED")
    participations = _participations(people.c.volunteer_id, year)
    cumulative = _cumulative(people.c.volunteer_id, year)
    return (
        select(
            people,
            participations.label("participations"),
            cumulative.label("cumulative"),
            User.name,
            Volunteer.volunteer_number,
        )
        .join(Volunteer, Volunteer.id == people.c.volunteer_id)
        .join(User, User.id == Volunteer.user_id)
        .where(participations >= criteria.min_participations)
    )


def _participations(volunteer_id: ColumnElement[int], year: int) -> ScalarSelect:
    """The volunteer's records crediting time on the year's Beijing days (a correlated count)."""
    return (
        select(func.count(CreditEntry.record_id.distinct()))
        .where(
            CreditEntry.volunteer_id == volunteer_id,
            ledger.in_period(year_period(year)),
            CreditEntry.minutes > 0,
        )
        .scalar_subquery()
    )


def _cumulative(volunteer_id: ColumnElement[int], year: int) -> ScalarSelect:
    """The volunteer's credited minutes up to the end of the year, from the year totals."""
    earlier = aliased(YearMinutes, name="earlier_years")
    return (
        select(func.coalesce(func.sum(earlier.minutes), 0))
        .where(earlier.volunteer_id == volunteer_id, earlier.year <= year)
        .scalar_subquery()
    )


def _blemished(start, end) -> CompoundSelect:
    """Volunteers with a certificate revoked or a record turned approved -> rejected in the span."""
    revoked = select(Certificate.volunteer_id).where(
        Certificate.revoked_at >= start, Certificate.revoked_at < end
    )
    rejected = (
        select(ServiceRecord.volunteer_id)
        .join(Adjustment, Adjustment.record_id == ServiceRecord.id)
        .where(
            Adjustment.before_status == RecordStatus.APPROVED.value,
            Adjustment.after_status == RecordStatus.REJECTED.value,
            and_(Adjustment.created_at >= start, Adjustment.created_at < end),
        )
    )
    return revoked.union(rejected)


def _volunteer_entry(row) -> tuple[tuple, Candidate]:
    totals = Totals(row.minutes, row.participations, 1)
    candidate = Candidate(
        HonourCategory.VOLUNTEER,
        row.volunteer_id,
        row.name,
        row.volunteer_number or "",
        0,
        totals,
        star_level(row.cumulative),
    )
    return (-totals.minutes, -totals.participations), candidate


# ---- leaders, organizations, projects ----

GROUP_KEYS = {
    HonourCategory.LEADER: Activity.created_by_id,
    HonourCategory.ORGANIZATION: Activity.organization_id,
    HonourCategory.PROJECT: Activity.project_id,
}


def _groups(
    category: HonourCategory, year: int, criteria: Criteria, within: Unit | None
) -> list[Candidate]:
    """The year's leaders, organizations or projects up to the list's cut-off.

    Minutes and participations add up over the activities' year totals. Distinct volunteers
    do not, so they are counted in the ledger for the candidates that can make the list only:
    a rank is one more than the candidates ahead, so one with fewer minutes than the
    `list_size`-th has at least `list_size` ahead and is cut, whatever its volunteers; and
    everyone ahead of a kept candidate is kept, so the kept ranks are the full list's."""
    key = GROUP_KEYS[category]
    conditions = _group_conditions(category, within)
    rows = db.session.execute(_group_year_totals(key, year, criteria, conditions)).all()
    rows.sort(key=lambda row: row.minutes, reverse=True)
    size = criteria.list_size
    if size < 1:
        return []
    if len(rows) > size:
        floor = rows[size - 1].minutes
        rows = [row for row in rows if row.minutes >= floor]
    keys = [row.key for row in rows]
    people = _group_people(key, year, keys, conditions) if keys else {}
    names = _group_names(category, keys)
    entries = []
    for row in rows:
        if row.key in names:  # always (foreign keys; inactive organizations are left out above)
            counted = people.get(row.key, 0)
            totals = Totals(int(row.minutes), int(row.participations), counted)
            candidate = Candidate(category, row.key, *names[row.key], 0, totals)
            entries.append(((-totals.minutes, -totals.people), candidate))
    return _ranked(entries)


def _group_people(
    key: ColumnElement, year: int, keys: list, conditions: list[ColumnElement[bool]]
) -> dict[Any, int]:
    """Distinct volunteers credited in the year at each group's activities, for the groups
    near the top only. Not `minutes.credited_totals`: counting only volunteers lets PostgreSQL
    answer from the (activity, day) index alone (70 ms at province scale, against 270 ms to
    3 s when the records' ids are counted too, read from the table)."""
    rows = db.session.execute(
        select(key, func.count(CreditEntry.volunteer_id.distinct()))
        .join(Activity, Activity.id == CreditEntry.activity_id)
        .where(
            CreditEntry.day >= date(year, 1, 1),
            CreditEntry.day < date(year + 1, 1, 1),
            CreditEntry.minutes > 0,
            key.in_(keys),
            *conditions,
        )
        .group_by(key)
    )
    return {group: int(people) for group, people in rows}


def _group_conditions(category: HonourCategory, within: Unit | None) -> list[ColumnElement[bool]]:
    """Activities that count for the category's groups: with a group, of an organization in
    the subtree; for organizations, an active one (the others are not listed)."""
    conditions = [GROUP_KEYS[category].is_not(None)]
    organizations = select(Organization.id)
    if (scope := _subtree(within, Organization.unit_id)) is not None:
        organizations = organizations.where(scope)
    if category == HonourCategory.ORGANIZATION:
        organizations = organizations.where(Organization.active.is_(True))
    if organizations.whereclause is not None:
        conditions.append(Activity.organization_id.in_(organizations))
    return conditions


def _group_year_totals(
    key: ColumnElement, year: int, criteria: Criteria, conditions: list[ColumnElement[bool]]
) -> Select:
    """Each group's minutes and participations in the year from its activities' year totals,
    the groups with at least the minutes asked (and one: a group credited nothing is none)."""
    minutes = func.sum(ActivityYearMinutes.minutes)
    return (
        select(
            key.label("key"),
            minutes.label("minutes"),
            func.sum(ActivityYearMinutes.participations).label("participations"),
        )
        .join(Activity, Activity.id == ActivityYearMinutes.activity_id)
        .where(ActivityYearMinutes.year == year, *conditions)
        .group_by(key)
        .having(minutes >= max(criteria.group_min_hours * 60, 1))
    )


def _group_names(category: HonourCategory, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name, detail) of each leader, organization or project."""
    if category == HonourCategory.LEADER:
        rows = db.session.execute(select(User.id, User.name, User.name).where(User.id.in_(ids)))
    elif category == HonourCategory.ORGANIZATION:
        rows = db.session.execute(
            select(Organization.id, Organization.name, Organization.name).where(
                Organization.id.in_(ids), Organization.active.is_(True)
            )
        )
    else:
        rows = db.session.execute(
            select(Project.id, Project.name, Organization.name)
            .join(Organization, Organization.id == Project.organization_id)
            .where(Project.id.in_(ids))
        )
    return {row[0]: (row[1], row[2]) for row in rows}


def years_to_show(today: date) -> range:
    """The years a recognition page offers, newest first."""
    return range(today.year, 2017, -1)
