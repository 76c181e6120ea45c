"""Demo data: the banner's unit tree, teams, activities, ~300 volunteers,
rosters and service records, so that every screen has something to show.

Deterministic (a fixed random seed) and idempotent: a second run finds the
demo admin and changes nothing.
"""

import csv
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityStatus,
    ComplianceSettings,
    IdType,
    Organization,
    PoliticalStatus,
    RecordSource,
    RecordStatus,
    Role,
    RosterEntry,
    ServiceCategory,
    ServiceRecord,
    Unit,
    UnitKind,
    User,
    Volunteer,
)
from volunteer.services import (
    accounts,
    campaign,
    certificates,
    grants,
    identity,
    ledger,
    periods,
    records,
    units,
)
from volunteer.services.network.demo import load_network_demo
from volunteer.services.rosters import linking

DEMO_PASSWORD = "demo12345"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    "玉兰萍红鹏飞宇浩然子轩梓涵欣怡巴特尔乌云其其格额尔敦苏和"
)


@dataclass(frozen=True)
class DemoLogin:
    """One demo account printed for people trying the system."""

    role: str
    phone: str
    name: str


DEMO_LOGINS = (
    DemoLogin("admin", "13800000000", "演示管理员"),
    DemoLogin("coordinator", "13800000001", "演示协调员"),
    DemoLogin("organizer", "13800000002", "演示组织者"),
    DemoLogin("volunteer", "13800000003", "演示志愿者"),
)


@dataclass
class DemoSummary:
    """What a demo run did; `year` is the year holding its latest past hours."""

    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    year: int | None = None


def load_demo_data(today: date | None = None) -> DemoSummary:
    """Load the demo data set unless it is already there."""
    if db.session.scalar(select(User.id).where(User.phone == DEMO_LOGINS[0].phone)):
        return DemoSummary(created=False)
    rng = random.Random(20181)
    today = today or periods.local_today()
    password_hash = accounts.hash_password(DEMO_PASSWORD)
    units_by_code = _load_units()
    organizations = _load_organizations(units_by_code)
    staff = _load_staff_accounts(units_by_code, organizations, password_hash, rng)
    volunteers = _load_volunteers(units_by_code, password_hash, rng, today)
    volunteers.append(staff["volunteer"].volunteer)
    activities = _load_activities(organizations, staff["organizer"], rng, today)
    records = _load_records(volunteers, activities, rng, today)
    year = _year_of_latest_hours(activities)
    records += _load_unconfirmed_entry(staff, activities)
    roster_count = _load_rosters(units_by_code, volunteers, rng, today)
    _load_issuer(staff["admin"])
    network = load_network_demo(units_by_code, organizations, staff["admin"], today, year)
    if db.session.get(ComplianceSettings, today.year) is None:
        db.session.add(ComplianceSettings(year=today.year, milestone=0.8))
    db.session.flush()
    _load_campaign(staff["admin"], today)
    return DemoSummary(
        created=True,
        year=year,
        counts={
            "units": len(units_by_code),
            "organizations": len(organizations),
            "volunteers": len(volunteers),
            "activities": len(activities),
            "service_records": records,
            "roster_entries": roster_count,
            **network,
        },
    )


# 民发〔2015〕149号: the issuer, its person in charge and the handling officer (demo names).
DEMO_ISSUER = {
    "organization": "乌审旗精神文明建设委员会办公室",
    "person_in_charge": "演示主任",
    "handling_officer": "演示经办人",
    "contact": "0477-7500000",
    "remarks": "演示数据，仅供试用。",
}


def _load_issuer(admin: User) -> None:
    """Issuer details, so certificates can be issued at once; an admin's own details stay."""
    if not certificates.issuer_settings()["organization"]:
        certificates.save_issuer_settings(DEMO_ISSUER, admin)


DEMO_CAMPAIGN = "全国县级文明城市创建三年行动"


def _load_campaign(admin: User, today: date) -> None:
    """The three-year campaign begun this year (weights 15/25/60%), unless one exists."""
    if campaign.all_campaigns():
        return
    plan = campaign.default_plan(today.year)
    campaign.save_campaign(
        None,
        name=DEMO_CAMPAIGN,
        first_year=today.year,
        weights=[year.weight for year in plan],
        milestones=[year.milestone for year in plan],
        actor=admin,
    )


def _load_units() -> dict[str, Unit]:
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    text = resources.files("volunteer.data").joinpath("units.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["code"] in existing:
            continue
        parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        existing[row["code"]] = units.create_unit(
            row["code"], row["name"], UnitKind(row["kind"]), parent
        )
    return existing


# Demo teams: name, unit code, contact name, contact phone.
DEMO_TEAMS = (
    ("旗文明办志愿服务队", "WS-WMB", "演示组织者", "13800000002"),
    ("旗教育局志愿服务队", "WS-JYJ", "教育局联络员", "13800000012"),
    ("嘎鲁图镇新时代文明实践所志愿服务队", "WS-GLT", "实践所联络员", "13800000013"),
    ("团旗委青年志愿者协会", "WS-TQW", "团旗委联络员", "13800000014"),
    ("旗卫计局医疗志愿服务队", "WS-WJJ", "卫计局联络员", "13800000015"),
)


def _load_organizations(units_by_code: dict[str, Unit]) -> list[Organization]:
    found = [
        _demo_organization(name, units_by_code[code], contact, phone)
        for name, code, contact, phone in DEMO_TEAMS
    ]
    db.session.flush()
    return found


def _demo_organization(name: str, unit: Unit, contact: str, phone: str) -> Organization:
    existing = db.session.scalar(select(Organization).where(Organization.name == name))
    if existing is not None:
        return existing
    organization = Organization(
        name=name, unit=unit, contact_name=contact, contact_phone=phone, description="演示数据"
    )
    db.session.add(organization)
    return organization


def wushen_region_code(birth: date) -> str:
    """乌审旗's GB/T 2260 code as issued at birth: 152727 under 伊克昭盟, 150626 since 2001."""
    return "150626" if birth.year >= 2001 else "152727"


def _resident_id(rng: random.Random, birth: date, male: bool) -> str:
    order = rng.randrange(0, 50) * 2 + (1 if male else 0)
    sequence = rng.randrange(0, 10) * 100 + order  # drawn after `order`: same data as before
    return identity.make_resident_id(wushen_region_code(birth), birth, sequence)


def _random_birth(rng: random.Random, first_year: int, years: int) -> date:
    return date(first_year + rng.randrange(0, years), rng.randrange(1, 13), rng.randrange(1, 28))


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _new_volunteer(
    *,
    name: str,
    phone: str,
    id_number: str,
    unit: Unit | None,
    status: PoliticalStatus,
    password_hash: str,
    registered_at: datetime,
) -> Volunteer:
    facts = identity.resident_id_facts(id_number)
    user = User(phone=phone, name=name, password_hash=password_hash)
    volunteer = Volunteer(
        user=user,
        id_type=IdType.RESIDENT_ID,
        id_number=id_number,
        gender=facts.gender,
        birth_date=facts.birth_date,
        political_status=status,
        unit=unit,
        personal_code=secrets.token_urlsafe(24),
        registered_at=registered_at,
        privacy_consent_at=registered_at,
    )
    db.session.add(volunteer)
    db.session.flush()
    volunteer.volunteer_number = accounts.volunteer_number_for(volunteer)
    return volunteer


def _load_staff_accounts(units_by_code, organizations, password_hash, rng) -> dict[str, User]:
    """The four demo logins; the organizer and coordinator are volunteers too."""
    now = datetime.now(UTC) - timedelta(days=200)
    people: dict[str, User] = {"admin": _demo_admin(password_hash)}
    for login in DEMO_LOGINS[1:]:
        volunteer = _staff_volunteer(login, units_by_code["WS-WMB"], password_hash, rng, now)
        people[login.role] = volunteer.user
    grants.grant_role(people["coordinator"], Role.COORDINATOR, None, unit=units_by_code["WS-WMB"])
    grants.grant_role(people["organizer"], Role.ORGANIZER, None, organization=organizations[0])
    return people


def _staff_volunteer(login: DemoLogin, unit: Unit, password_hash, rng, now) -> Volunteer:
    birth = _random_birth(rng, 1980, 15)
    return _new_volunteer(
        name=login.name,
        phone=login.phone,
        id_number=_resident_id(rng, birth, rng.random() < 0.5),
        unit=unit,
        status=PoliticalStatus.CPC_MEMBER,
        password_hash=password_hash,
        registered_at=now,
    )


def _demo_admin(password_hash: str) -> User:
    admin = User(phone=DEMO_LOGINS[0].phone, name=DEMO_LOGINS[0].name, password_hash=password_hash)
    db.session.add(admin)
    db.session.flush()
    grants.grant_role(admin, Role.ADMIN, actor=None)
    return admin


def _load_volunteers(units_by_code, password_hash, rng, today) -> list[Volunteer]:
    """About 300 volunteers spread over departments, towns and villages."""
    homes = [u for u in units_by_code.values() if u.kind != UnitKind.BANNER]
    statuses = (
        [PoliticalStatus.CPC_MEMBER] * 4
        + [PoliticalStatus.CPC_PROBATIONARY]
        + [PoliticalStatus.MASSES] * 4
        + [PoliticalStatus.CYL_MEMBER]
    )
    volunteers = []
    start_of_year = datetime(today.year, 1, 1, tzinfo=UTC)
    for number in range(296):
        birth = _random_birth(rng, 1965, 40)
        registered = start_of_year - timedelta(days=rng.randrange(-300, 500))
        registered = min(registered, datetime.now(UTC) - timedelta(days=1))
        volunteers.append(
            _new_volunteer(
                name=_person_name(rng),
                phone=f"139{number:08d}",
                id_number=_resident_id(rng, birth, rng.random() < 0.5),
                unit=rng.choice(homes),
                status=rng.choice(statuses),
                password_hash=password_hash,
                registered_at=registered,
            )
        )
    return volunteers


DEMO_ACTIVITIES = [
    ("文明交通劝导", ServiceCategory.TRAFFIC, "嘎鲁图镇萨拉乌苏大街与团结路口"),
    ("社区环境清洁日", ServiceCategory.ENVIRONMENT, "团结社区广场"),
    ("敬老院探访", ServiceCategory.ELDERLY, "乌审旗敬老院"),
    ("义务植树", ServiceCategory.ENVIRONMENT, "无定河生态公园"),
    ("政策宣讲进嘎查", ServiceCategory.CULTURE, "萨如拉嘎查党群服务中心"),
    ("义诊服务", ServiceCategory.HEALTH, "图克镇卫生院"),
    ("文明城市创建宣传", ServiceCategory.CIVILIZATION, "乌审旗政务服务中心"),
    ("课后托管辅导", ServiceCategory.EDUCATION, "乌审旗第一小学"),
]


def _load_activities(organizations, organizer, rng, today) -> list[Activity]:
    """Twenty past activities, four upcoming ones, and one running now."""
    base = datetime(today.year, today.month, today.day, 1, 0, tzinfo=UTC)  # 09:00 Beijing
    activities = []
    for index in range(24):
        day_offset = -150 + index * 8 if index < 20 else (index - 19) * 3  # past, then upcoming
        organization = organizations[index % len(organizations)]
        activities.append(
            _demo_activity(index, organization, organizer, base + timedelta(days=day_offset), rng)
        )
    # One running now, so the check-in screen and scanning can be tried at once.
    activities.append(_running_now(organizations[0], organizer))
    db.session.add_all(activities)
    db.session.flush()
    return activities


def _year_of_latest_hours(activities: list[Activity]) -> int:
    """The Beijing year of the latest finished activity: in the first days of January the
    demo's hours, and so its honours, belong to the year just ended, as a real site's would."""
    now = datetime.now(UTC)
    return periods.local_date(max(a.ends_at for a in activities if a.ends_at < now)).year


def _demo_activity(index, organization, organizer, starts: datetime, rng) -> Activity:
    title, category, place = DEMO_ACTIVITIES[index % len(DEMO_ACTIVITIES)]
    return Activity(
        organization=organization,
        title=title,
        description="演示活动：" + title,
        category=category,
        place=place,
        starts_at=starts,
        ends_at=starts + timedelta(hours=rng.choice((2, 3, 4))),
        capacity=rng.choice((None, 30, 50)),
        signup_required=index % 3 == 0,
        status=ActivityStatus.PUBLISHED,
        checkin_secret=secrets.token_hex(16),
        created_by=organizer,
    )


def _running_now(organization, organizer) -> Activity:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return Activity(
        organization=organization,
        title="文明城市创建志愿服务（今日）",
        description="演示活动：正在进行，可打开签到屏扫码签到。",
        category=ServiceCategory.CIVILIZATION,
        place="乌审旗政务服务中心广场",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=4),
        status=ActivityStatus.PUBLISHED,
        checkin_secret=secrets.token_hex(16),
        created_by=organizer,
    )


def _load_records(volunteers, activities, rng, today) -> int:
    """Approved QR records for past activities; about a third of volunteers have none."""
    now = datetime.now(UTC)
    past = [a for a in activities if a.ends_at < now]
    count = 0
    for volunteer in volunteers:
        if rng.random() < 0.35:
            continue
        for activity in rng.sample(past, k=min(len(past), rng.randrange(1, 5))):
            _credit(_approved_scan(volunteer, activity, rng))
            count += 1
    count += _load_review_queue(volunteers, activities, rng)
    db.session.flush()
    return count


def _credit(record: ServiceRecord) -> None:
    """Credit a demo record through the ledger, by the same rules as a real check-out."""
    db.session.add(record)
    db.session.flush()
    ledger.apply_credit(record, ledger.credit_now(record, record.check_in_at, record.check_out_at))


def _approved_scan(volunteer: Volunteer, activity: Activity, rng) -> ServiceRecord:
    check_in = activity.starts_at + timedelta(minutes=rng.randrange(-10, 20))
    check_out = activity.ends_at + timedelta(minutes=rng.randrange(-30, 15))
    return ServiceRecord(
        volunteer=volunteer,
        activity=activity,
        check_in_at=check_in,
        check_out_at=check_out,
        credited_minutes=0,
        source=RecordSource.QR,
        check_out_source=RecordSource.QR,
        status=RecordStatus.APPROVED,
    )


def _load_review_queue(volunteers, activities, rng) -> int:
    """A forgotten check-out and two claims (补录申请) for the organizer to review."""
    now = datetime.now(UTC)
    team = activities[0].organization
    done = [a for a in activities if a.organization is team and a.ends_at < now]
    waiting = [
        ServiceRecord(
            volunteer=volunteer,
            activity=activity,
            check_in_at=activity.starts_at,
            check_out_at=activity.ends_at if claim else None,
            credited_minutes=0,
            source=RecordSource.CLAIM if claim else RecordSource.QR,
            check_out_source=RecordSource.CLAIM if claim else None,
            status=RecordStatus.PENDING if claim else RecordStatus.OPEN,
            note="当天签到后手机没电，未能扫码，请补录。" if claim else None,
        )
        for claim, volunteer, activity in zip(
            (False, True, True), rng.sample(volunteers, 3), rng.choices(done, k=3), strict=True
        )
    ]
    db.session.add_all(waiting)
    db.session.flush()
    records.close_stale(now)  # the forgotten check-out goes through the real sweep
    return len(waiting)


def _load_unconfirmed_entry(staff: dict[str, User], activities: list[Activity]) -> int:
    """A paper-sheet entry for the demo volunteer, waiting for their "确认"."""
    now = datetime.now(UTC)
    team = activities[0].organization
    done = [a for a in activities if a.organization is team and a.ends_at < now]
    if not done:
        return 0
    activity = done[0]
    volunteer = staff["volunteer"].volunteer
    records.add_manual_record(
        activity,
        volunteer,
        activity.starts_at,
        activity.ends_at,
        "纸质签到表",
        staff["organizer"],
        now,
    )
    return 1


ROSTER_UNIT_CODES = (
    "WS-WMB",
    "WS-JYJ",
    "WS-GLT",
    "WS-GLT-SRL",
    "WS-GLT-TJSQ",
    "WS-TQW",
    "WS-WJJ",
    "WS-TK",
)


def _load_rosters(units_by_code, volunteers, rng, today: date) -> int:
    """Rosters for several units since last January: registered volunteers plus staff not
    yet registered, one of whom left three months ago (kept as history)."""
    by_unit: dict[int, list[Volunteer]] = {}
    for volunteer in volunteers:
        if volunteer.unit_id is not None:
            by_unit.setdefault(volunteer.unit_id, []).append(volunteer)
    since = date(today.year - 1, 1, 1)
    count = 0
    for code in ROSTER_UNIT_CODES:
        unit = units_by_code[code]
        entries = [_registered_entry(unit, v) for v in by_unit.get(unit.id, [])]
        # Staff who have not registered yet.
        entries += [_unregistered_entry(unit, rng) for _ in range(rng.randrange(3, 12))]
        for entry in entries:
            entry.on_from = since
        entries[-1].on_until = today - timedelta(days=90)
        db.session.add_all(entries)
        count += len(entries)
    db.session.flush()
    linking.link_all()
    return count


def _registered_entry(unit: Unit, volunteer: Volunteer) -> RosterEntry:
    return RosterEntry(
        unit=unit,
        name=volunteer.user.name,
        id_type=IdType.RESIDENT_ID,
        id_number=volunteer.id_number,
        phone=volunteer.user.phone,
        political_status=volunteer.political_status,
        position="干部",
    )


def _unregistered_entry(unit: Unit, rng) -> RosterEntry:
    birth = _random_birth(rng, 1970, 30)
    return RosterEntry(
        unit=unit,
        name=_person_name(rng),
        id_type=IdType.RESIDENT_ID,
        id_number=_resident_id(rng, birth, rng.random() < 0.5),
        phone=f"137{rng.randrange(0, 10**8):08d}",
        political_status=rng.choice((PoliticalStatus.CPC_MEMBER, PoliticalStatus.MASSES)),
        position="职工",
    )
