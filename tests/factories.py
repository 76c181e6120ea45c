"""Helpers that build valid data for tests with as little ceremony as possible."""

import itertools
import secrets
from datetime import UTC, date, datetime, timedelta

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityStatus,
    IdType,
    Organization,
    PoliticalStatus,
    RecordSource,
    RecordStatus,
    Role,
    RosterEntry,
    ServiceRecord,
    Unit,
    UnitKind,
    User,
    Volunteer,
)
from volunteer.services import accounts, grants, identity, ledger, units
from volunteer.services.demo import wushen_region_code
from volunteer.services.rosters import linking

PASSWORD = "correct-horse-9"
# Roster entries are on the roster from this day unless a test says otherwise, so that
# every period a test reads (past years included) finds them.
ROSTER_SINCE = date(2000, 1, 1)
_sequence = itertools.count(1)


def resident_id(birth: date | None = None, male: bool = True) -> str:
    """A resident ID number with a valid check digit, unique within the test run.

    A birth date the test names is kept exactly (ages matter); without one the date walks
    through 1990 only, so thousands of numbers stay unique and every one is born in 1990.
    """
    serial = next(_sequence)
    order = (serial % 500) * 2 + (1 if male else 0)
    if birth is None:
        birth = date(1990, 1, 1) + timedelta(days=(serial // 500) % 365)
    return identity.make_resident_id(wushen_region_code(birth), birth, order)


def phone() -> str:
    """A unique mainland mobile number."""
    return f"135{next(_sequence):08d}"


def make_unit(
    code: str | None = None,
    name: str | None = None,
    parent: Unit | None = None,
    kind: UnitKind | None = None,
) -> Unit:
    """A unit under `parent` (the first one made without parent is the root)."""
    number = next(_sequence)
    unit = units.create_unit(
        code or f"U{number}",
        name or f"单位{number}",
        kind or (UnitKind.BANNER if parent is None else UnitKind.GOVERNMENT_DEPARTMENT),
        parent,
    )
    return unit


def make_volunteer(
    name: str = "张三",
    unit: Unit | None = None,
    birth: date = date(1990, 5, 17),
    political_status: PoliticalStatus = PoliticalStatus.MASSES,
    password: str = PASSWORD,
    **overrides,
) -> Volunteer:
    """A registered volunteer (account and profile) through the real service."""
    data = accounts.Registration(
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=overrides.pop("id_number", None) or resident_id(birth),
        phone=overrides.pop("phone", None) or phone(),
        password=password,
        political_status=political_status,
        unit=unit,
        privacy_consent=True,
        **overrides,
    )
    return accounts.register_volunteer(data)


def make_staff(name: str = "李管理", password: str = PASSWORD) -> User:
    """An account with no volunteer profile."""
    return accounts.create_staff_account(name, phone(), password)


def make_admin(name: str = "王管理员") -> User:
    """An account holding the admin role."""
    user = make_staff(name)
    grants.grant_role(user, Role.ADMIN, actor=None)
    return user


def make_organization(name: str | None = None, unit: Unit | None = None) -> Organization:
    """A volunteer organization."""
    organization = Organization(name=name or f"志愿服务队{next(_sequence)}", unit=unit)
    db.session.add(organization)
    db.session.flush()
    return organization


def make_organizer(organization: Organization, name: str = "赵组织") -> User:
    """A volunteer who organizes `organization`."""
    user = make_volunteer(name).user
    grants.grant_role(user, Role.ORGANIZER, actor=None, organization=organization)
    return user


def make_coordinator(unit: Unit, name: str = "钱协调") -> User:
    """A volunteer who coordinates `unit` and everything below it."""
    user = make_volunteer(name).user
    grants.grant_role(user, Role.COORDINATOR, actor=None, unit=unit)
    return user


def make_activity(
    organization: Organization, starts_at: datetime | None = None, hours: float = 3, **fields
) -> Activity:
    """A published activity of `organization` (default: started an hour ago), starting on a
    whole minute as the form makes it: a start with seconds would split a stay at Beijing
    midnight into day pieces that each lose their fraction of a minute."""
    starts_at = (starts_at or datetime.now(UTC) - timedelta(hours=1)).replace(
        second=0, microsecond=0
    )
    activity = Activity(
        organization=organization,
        title=fields.pop("title", "文明交通劝导"),
        place=fields.pop("place", "嘎鲁图镇"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        status=fields.pop("status", ActivityStatus.PUBLISHED),
        checkin_secret=secrets.token_hex(16),
        **fields,
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def make_record(
    volunteer: Volunteer,
    activity: Activity,
    minutes: int = 120,
    status: RecordStatus = RecordStatus.APPROVED,
    check_in_at: datetime | None = None,
) -> ServiceRecord:
    """A closed service record crediting `minutes` (approved by default)."""
    check_in_at = check_in_at or activity.starts_at
    record = ServiceRecord(
        volunteer=volunteer,
        activity=activity,
        check_in_at=check_in_at,
        check_out_at=check_in_at + timedelta(minutes=minutes),
        credited_minutes=minutes,
        source=RecordSource.QR,
        check_out_source=RecordSource.QR,
        status=status,
    )
    db.session.add(record)
    db.session.flush()
    if status == RecordStatus.APPROVED:
        ledger.apply_credit(record, ledger.as_given(record, minutes))
    return record


def make_roster_entry(
    unit: Unit,
    volunteer: Volunteer | None = None,
    name: str = "孙职工",
    political_status: PoliticalStatus = PoliticalStatus.MASSES,
    id_number: str | None = None,
    on_from: date = ROSTER_SINCE,
    on_until: date | None = None,
) -> RosterEntry:
    """A roster stint from `on_from` (until `on_until`, None: still on); with `volunteer`,
    one that matches that volunteer's ID number."""
    entry = RosterEntry(
        unit=unit,
        name=volunteer.user.name if volunteer else name,
        id_type=IdType.RESIDENT_ID,
        id_number=volunteer.id_number if volunteer else (id_number or resident_id()),
        political_status=volunteer.political_status if volunteer else political_status,
        on_from=on_from,
        on_until=on_until,
    )
    db.session.add(entry)
    db.session.flush()
    linking.link_id_numbers([entry.id_number])  # as an upload would
    return entry


def make_signup(volunteer: Volunteer, activity: Activity):
    """A standing sign-up of `volunteer` for `activity`."""
    from volunteer.models import Signup

    signup = Signup(volunteer_id=volunteer.id, activity_id=activity.id)
    db.session.add(signup)
    db.session.flush()
    return signup
