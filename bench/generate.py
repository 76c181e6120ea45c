"""A reusable generator of a county- or province-scale database for the benchmarks.

    python bench/generate.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_x \
        --scale county --create-database

Builds, on SQLite or PostgreSQL, a unit tree (banner, departments, towns,
villages; at province scale a league root over ten such banners), rosters
with their history (people who joined late, left, or left and came back),
registered volunteers (most roster people, plus volunteers on no
roster, a few people on two rosters), organizations with their projects,
activities (each created by one of a few leaders of its organization, most in a
project) and service records in every status, spread over the last two years. Inserts are
bulk: COPY on PostgreSQL, executemany on SQLite; ids are assigned here so no
round trip is needed per row. Deterministic for a given seed.

Memory stays flat: rows stream to the database, and the credit ledger is worked out as
the records stream past, keeping per volunteer only its credited pieces as int64 arrays
(about 1.4 GB at province scale's 20M records). On PostgreSQL the big tables' secondary
indexes are built after the load and foreign-key triggers are skipped during it.

Import it from other benchmarks:

    from bench.generate import SCALES, build_database
    summary = build_database(engine, SCALES["small"], seed=1)
    summary.root_unit_id, summary.period_year, summary.counts

Every table is dropped and re-created from the models (not from Alembic), so
point it only at a database made for benchmarking.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
import tempfile
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from stdnum.cn import ric

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from volunteer.models import Base
from volunteer.services import hours, identity
from volunteer.services.demo import wushen_region_code

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然巴特尔乌云其格"
# A fixed hash (of "bench-password") so generating accounts costs no hashing.
PASSWORD_HASH = "pbkdf2:sha256:1000$bench$" + "0" * 64


# Who the recognition lists of leaders and projects rank: each organization's activities are
# created by a few of the accounts and mostly grouped into a few projects.
LEADERS_PER_ORGANIZATION, PROJECTS_PER_ORGANIZATION = 4, 2

# From this many units the tree is a league: a root over ten county-shaped banners.
LEAGUE_UNITS = 5_000
BANNERS = (
    "乌审旗",
    "鄂托克旗",
    "鄂托克前旗",
    "杭锦旗",
    "达拉特旗",
    "准格尔旗",
    "伊金霍洛旗",
    "东胜区",
    "康巴什区",
    "阿拉善左旗",
)


@dataclass(frozen=True)
class Scale:
    """How much data to build."""

    name: str
    units: int
    roster_entries: int
    volunteers: int
    service_records: int
    activities: int
    organizations: int


SCALES: dict[str, Scale] = {
    "province": Scale("province", 10_000, 2_000_000, 1_500_000, 20_000_000, 80_000, 2_000),
    "county": Scale("county", 1_000, 200_000, 150_000, 2_000_000, 8_000, 200),
    "small": Scale("small", 120, 12_000, 9_000, 120_000, 800, 30),
    "tiny": Scale("tiny", 20, 600, 450, 4_000, 60, 5),
}


@dataclass
class Summary:
    """What was built: row counts, the root unit and the year with most data."""

    scale: Scale
    root_unit_id: int = 1
    period_year: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def create_postgres_database(url: str) -> None:
    """Drop and create the PostgreSQL database named in `url` (autocommit, via psycopg)."""
    import psycopg

    parsed = make_url(url)
    name = parsed.database
    admin = parsed.set(drivername="postgresql", database="postgres")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_database(
    engine: Engine, scale: Scale, seed: int = 1, today: date | None = None
) -> Summary:
    """Drop every table, re-create the schema and fill it at `scale`."""
    started = time.perf_counter()
    today = today or datetime.now(UTC).date()
    rng = random.Random(seed)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    data = _Plan(scale, rng, now)
    summary = Summary(scale=scale, root_unit_id=1, period_year=today.year)
    with engine.begin() as connection:
        indexes = _bulk_load_mode(connection)
        _fill(connection, data, summary.counts)
        for index in indexes:
            index.create(connection)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _fill(connection, data: _Plan, counts: dict[str, int]) -> None:
    """Write every table, streaming: records and ledger pieces are never all in memory."""
    writer = _writer(connection)
    counts["units"] = writer("units", data.units())
    counts["users"] = writer("users", data.users())
    counts["volunteers"] = writer("volunteers", data.volunteers())
    counts["organizations"] = writer("organizations", data.organizations())
    counts["projects"] = writer("projects", data.projects())
    counts["activities"] = writer("activities", data.activities())
    counts["roster_entries"] = writer("roster_entries", data.roster_entries())
    with tempfile.TemporaryFile() as spool:
        ledger = _Ledger(spool)
        counts["service_records"] = writer("service_records", ledger.credit(data.service_records()))
        counts["credit_entries"] = writer("credit_entries", ledger.entries())
    counts["year_minutes"] = writer("year_minutes", ledger.year_minutes())
    counts["activity_year_minutes"] = writer("activity_year_minutes", ledger.activity_years())
    writer("compliance_settings", data.compliance_settings())


# Tables whose secondary indexes are dropped during a PostgreSQL bulk load and re-created after.
BULK_TABLES = ("volunteers", "users", "roster_entries", "service_records", "credit_entries")


def _bulk_load_mode(connection) -> list:
    """On PostgreSQL: skip foreign-key triggers and drop the big tables' secondary indexes
    (re-created by the caller after the load: one sort per index instead of 20M inserts)."""
    if connection.dialect.name != "postgresql":
        return []
    # The rows are consistent by construction; checking each foreign key costs a lookup a row.
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))  # index builds sort
    indexes = [i for name in BULK_TABLES for i in Base.metadata.tables[name].indexes]
    for index in indexes:
        index.drop(connection)
    return indexes


def _reset_sequences(connection) -> None:
    """Point each id sequence past the ids assigned here."""
    for table in (
        "units",
        "users",
        "volunteers",
        "organizations",
        "projects",
        "activities",
        "roster_entries",
        "service_records",
        "credit_entries",
    ):
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )


class _Plan:
    """Produces the rows of each table as dicts, deterministically."""

    def __init__(self, scale: Scale, rng: random.Random, now: datetime):
        self.scale, self.rng, self.now = scale, rng, now
        self.start = now - timedelta(days=730)
        # People: everyone on a roster (a few on two) plus volunteers on no roster.
        roster_people = int(scale.roster_entries * 0.975)
        registered_on_roster = min(int(roster_people * 0.7), scale.volunteers)
        self.people = roster_people + (scale.volunteers - registered_on_roster)
        self.roster_people = roster_people
        people = list(range(roster_people))
        rng.shuffle(people)
        # The first volunteers are roster people; the rest are people on no roster.
        self.volunteer_people = people[:registered_on_roster] + list(
            range(roster_people, self.people)
        )
        self.volunteer_people = self.volunteer_people[: scale.volunteers]
        # Volunteer ids by person, for the roster entries' matched volunteer (written in bulk).
        self.volunteer_of = {
            person: index + 1 for index, person in enumerate(self.volunteer_people)
        }
        self.party = {p for p in range(self.people) if rng.random() < 0.35}
        self.probationary = {p for p in self.party if rng.random() < 0.05}
        self.parent: dict[int, int | None] = {}
        self._paths: dict[int, str] = {}

    # identities -------------------------------------------------------
    @staticmethod
    def id_number(person: int) -> str:
        birth = date(1966, 1, 1) + timedelta(days=(person // 500) * 20)
        sequence = person % 500 * 2 + person % 2
        return identity.make_resident_id(wushen_region_code(birth), birth, sequence)

    def name(self, person: int) -> str:
        return (
            SURNAMES[person % len(SURNAMES)]
            + GIVEN[(person // 7) % len(GIVEN)]
            + (GIVEN[(person // 11) % len(GIVEN)] if person % 3 else "")
        )

    def status(self, person: int) -> str:
        if person in self.probationary:
            return "02"
        return "01" if person in self.party else "13"

    # tables -------------------------------------------------------------
    def units(self) -> Iterator[dict]:
        if self.scale.units < LEAGUE_UNITS:
            yield self._unit(1, None, "WS", "乌审旗", "banner")
            yield from self._banner_units(1, 2, self.scale.units, "", "")
            return
        # A league (盟市) or province: the root, ten banners, each shaped like a county.
        yield self._unit(1, None, "ORD", "鄂尔多斯市", "other")
        banners = 10
        size = (self.scale.units - 1) // banners
        for index in range(banners):
            banner_id = 2 + index * size
            last = self.scale.units if index == banners - 1 else banner_id + size - 1
            name, code = BANNERS[index % len(BANNERS)], f"B{index + 1:02d}"
            yield self._unit(banner_id, 1, code, name, "banner")
            yield from self._banner_units(banner_id, banner_id + 1, last, f"{code}-", name)

    def _banner_units(
        self, banner: int, unit_id: int, last: int, code: str, name: str
    ) -> Iterator[dict]:
        """Units `unit_id`..`last` under a banner: departments, towns, then villages under
        towns and units under departments (the county shape)."""
        n = last - banner + 1
        departments = max(1, int(n * 0.08))
        towns = max(1, int(n * 0.012))
        kinds = ("party_department", "government_department", "service_center", "financial")
        top: list[tuple[int, str]] = []
        for index in range(departments):
            if unit_id > last:
                return
            kind = kinds[index % len(kinds)]
            yield self._unit(
                unit_id, banner, f"{code}D{index + 1:03d}", f"{name}旗部门{index + 1}", kind
            )
            top.append((unit_id, "department"))
            unit_id += 1
        town_ids = []
        for index in range(towns):
            if unit_id > last:
                return
            yield self._unit(
                unit_id, banner, f"{code}T{index + 1:02d}", f"{name}苏木镇{index + 1}", "town"
            )
            town_ids.append(unit_id)
            unit_id += 1
        department_ids = [u for u, _ in top]
        index = 0
        while unit_id <= last:
            # Four in five remaining units are villages under towns, the rest sit under departments.
            if index % 5 and town_ids:
                parent = town_ids[index % len(town_ids)]
                kind, label = ("village", "嘎查村") if index % 7 else ("community", "社区")
            else:
                parent = department_ids[index % len(department_ids)]
                kind, label = ("school", "所属单位")
            yield self._unit(
                unit_id, parent, f"{code}S{index + 1:04d}", f"{name}{label}{index + 1}", kind
            )
            unit_id += 1
            index += 1

    def _unit(self, unit_id: int, parent: int | None, code: str, name: str, kind: str) -> dict:
        self.parent[unit_id] = parent
        path = (self._paths[parent] if parent else "/") + f"{unit_id}/"
        self._paths[unit_id] = path
        return {
            "id": unit_id,
            "code": code,
            "name": name,
            "kind": kind,
            "parent_id": parent,
            "path": path,
            "depth": path.count("/") - 2,
            "active": True,
            "created_at": self.start,
        }

    def users(self) -> Iterator[dict]:
        for index, person in enumerate(self.volunteer_people):
            yield {
                "id": index + 1,
                "phone": f"13{index:09d}",
                "name": self.name(person),
                "password_hash": PASSWORD_HASH,
                "active": True,
                "created_at": self._registered(index),
            }

    def _registered(self, index: int) -> datetime:
        # Registrations spread over two years, a little more in the recent months.
        fraction = ((index * 7919) % 10007) / 10007
        return self.start + timedelta(days=730 * fraction**0.8, seconds=index % 86400)

    def volunteers(self) -> Iterator[dict]:
        n_units = self.scale.units
        for index, person in enumerate(self.volunteer_people):
            number = self.id_number(person)
            registered = self._registered(index)
            yield {
                "id": index + 1,
                "user_id": index + 1,
                "id_type": "resident_id",
                "id_number": number,
                "gender": "male" if int(number[16]) % 2 else "female",
                "birth_date": ric.get_birth_date(number),
                "political_status": self.status(person),
                "unit_id": 1 + person % n_units,
                "volunteer_number": f"WS{index + 1:08d}",
                "registered_at": registered,
                "privacy_consent_at": registered,
                "personal_code": f"bench-{self.rng.getrandbits(96):024x}",
            }

    def organizations(self) -> Iterator[dict]:
        for index in range(self.scale.organizations):
            yield {
                "id": index + 1,
                "name": f"志愿服务队{index + 1}",
                "unit_id": 1 + index % self.scale.units,
                "active": True,
                "created_at": self.start,
            }

    def projects(self) -> Iterator[dict]:
        """Each organization's PROJECTS_PER_ORGANIZATION projects (the recognition lists)."""
        for index in range(self.scale.organizations * PROJECTS_PER_ORGANIZATION):
            yield {
                "id": index + 1,
                "organization_id": 1 + index // PROJECTS_PER_ORGANIZATION,
                "name": f"服务项目{index % PROJECTS_PER_ORGANIZATION + 1}",
                "starts_on": self.start.date(),
                "active": True,
                "created_at": self.start,
            }

    def activities(self) -> Iterator[dict]:
        self.activity_starts = []
        organizations, users = self.scale.organizations, len(self.volunteer_people)
        for index in range(self.scale.activities):
            starts = self.start + timedelta(
                days=730 * index / self.scale.activities, hours=self.rng.choice((1, 2, 6))
            )
            self.activity_starts.append(starts)
            organization, turn = index % organizations, index // organizations
            # A few leaders per organization create its activities; most are in a project.
            leader = (
                organization * LEADERS_PER_ORGANIZATION + turn % LEADERS_PER_ORGANIZATION
            ) % users
            project = organization * PROJECTS_PER_ORGANIZATION + turn % PROJECTS_PER_ORGANIZATION
            yield {
                "id": index + 1,
                "organization_id": 1 + organization,
                "created_by_id": 1 + leader,
                "project_id": 1 + project if turn % 5 else None,
                "title": f"志愿活动{index + 1}",
                "category": "civilization",
                "place": "嘎鲁图镇",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=4),
                "signup_required": False,
                "static_qr_allowed": False,
                "status": "published",
                "checkin_secret": f"{index:032x}",
                "created_at": starts - timedelta(days=3),
                "updated_at": starts - timedelta(days=3),
            }

    def roster_entries(self) -> Iterator[dict]:
        n_units, rng = self.scale.units, self.rng
        # About one unit in twenty has no roster yet.
        with_roster = [u for u in range(1, n_units + 1) if u == 1 or rng.random() > 0.05]
        ids = itertools.count(1)
        extra = self.scale.roster_entries - self.roster_people
        for person in range(self.roster_people):
            unit = with_roster[(person * 2654435761) % len(with_roster)]
            stints = list(self._stints(ids, unit, person))
            if person < extra:  # this person is on a second roster too (often a sibling unit)
                other = with_roster[(person * 40503 + 17) % len(with_roster)]
                if other == unit:
                    other = with_roster[(with_roster.index(unit) + 1) % len(with_roster)]
                stints += self._stints(ids, other, person)
            for stint in stints:  # as services.rosters.linking marks them
                stint["id_number_shared"] = len(stints) > 1
            yield from stints

    def _stints(self, ids: Iterator[int], unit: int, person: int) -> Iterator[dict]:
        """One stint on the unit's roster for most; one in seven joined after the first
        upload, one in fifty left since, one in fifty left and came back (two stints)."""
        entry_id = next(ids)
        spread = (entry_id * 2654435761) % 700  # a deterministic number of days
        first = self.start.date() + timedelta(days=spread if entry_id % 7 == 0 else 0)
        last_day = self.now.date()
        if entry_id % 50 == 0:  # left: kept as history
            yield self._entry(
                entry_id,
                unit,
                person,
                first,
                min(first + timedelta(days=30 + spread % 600), last_day),
            )
        elif entry_id % 50 == 25:  # left, and came back later
            left = min(first + timedelta(days=30 + spread % 300), last_day)
            yield self._entry(entry_id, unit, person, first, left)
            yield self._entry(
                next(ids),
                unit,
                person,
                min(left + timedelta(days=20 + spread % 300), last_day),
                None,
            )
        else:
            yield self._entry(entry_id, unit, person, first, None)

    def _entry(
        self, entry_id: int, unit: int, person: int, on_from: date, on_until: date | None
    ) -> dict:
        return {
            "id": entry_id,
            "unit_id": unit,
            "name": self.name(person),
            "id_type": "resident_id",
            "id_number": self.id_number(person),
            "volunteer_id": self.volunteer_of.get(person),
            "phone": f"15{person:09d}",
            "political_status": self.status(person),
            "position": "职工",
            "on_from": on_from,
            "on_until": on_until,
            "created_at": self.start,
            "updated_at": self.start,
        }

    def service_records(self) -> Iterator[dict]:
        rng = self.rng
        n_volunteers = len(self.volunteer_people)
        n_activities = len(self.activity_starts)
        # Some volunteers never served: only the first 80% (after a shuffle) get records.
        active = list(range(1, n_volunteers + 1))
        rng.shuffle(active)
        active = active[: max(1, int(n_volunteers * 0.8))]
        statuses = ["approved"] * 90 + ["pending"] * 5 + ["rejected"] * 3 + ["missing_checkout"] * 2
        for record_id in range(1, self.scale.service_records + 1):
            volunteer = active[int(len(active) * rng.random() ** 1.3)]
            starts = self.activity_starts[rng.randrange(n_activities)]
            minutes = rng.choice((30, 60, 90, 120, 180, 240))
            status = statuses[record_id % 100]
            check_in = starts + timedelta(minutes=rng.randrange(-10, 20))
            yield {
                "id": record_id,
                "volunteer_id": volunteer,
                "activity_id": 1 + rng.randrange(n_activities),
                "check_in_at": check_in,
                "check_out_at": check_in + timedelta(minutes=minutes),
                "credited_minutes": 0 if status == "missing_checkout" else minutes,
                "source": "qr",
                "check_out_source": "qr",
                "status": status,
                "created_at": check_in,
            }

    def compliance_settings(self) -> Iterator[dict]:
        for year in (self.now.year - 1, self.now.year):
            yield {
                "year": year,
                "staff_target": 0.7,
                "party_target": 0.9,
                "count_probationary": True,
                "min_minutes": 1,
                "milestone": 0.8,
                "updated_at": self.start,
            }


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
EPOCH_ORDINAL = EPOCH.date().toordinal()
DAY_US = 86_400 * 1_000_000
BEIJING_US = 8 * 3_600 * 1_000_000
DAILY_CAP = 12 * 60  # minutes a day, the app's default
CHUNK = 60_000  # ledger pieces per spool write
# int64s per spooled piece: record, volunteer, activity, day, start, end, minutes
ENTRY_FIELDS = 7


def _us(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _moment(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


class _Ledger:
    """The ledger of approved records by the app's rules (no minute twice, daily cap 12 h),
    computed as records stream past. Per volunteer it keeps only the credited pieces, as two
    sorted int64 arrays (start; end and minutes packed), not the records; the pieces themselves
    go to a spool file, read back after the records are written."""

    def __init__(self, spool):
        self.spool = spool
        self.pieces: dict[int, tuple[array, array]] = {}
        self.totals: dict[int, int] = {}  # volunteer * 4096 + year -> minutes
        # activity * 4096 + year -> [minutes, participations (records crediting > 0 that year)]
        self.activity_totals: dict[int, list[int]] = {}
        self.buffer = array("q")

    def credit(self, records: Iterable[dict]) -> Iterator[dict]:
        """The records, each approved one with its credited minutes set and its pieces spooled."""
        for record in records:
            if record["status"] == "approved":
                record["credited_minutes"] = self._credit(record)
            yield record
        self.spool.write(self.buffer.tobytes())
        self.spool.seek(0)

    def _credit(self, record: dict) -> int:
        volunteer = record["volunteer_id"]
        starts, tails = self.pieces.setdefault(volunteer, (array("q"), array("q")))
        window = (record["check_in_at"], record["check_out_at"])
        low, high = _us(window[0]), _us(window[1])
        first_day, last_day = _day_index(low), _day_index(high - 1)
        taken = _overlapping(starts, tails, low, high)
        used = _used_by_day(starts, tails, first_day, last_day)
        if taken or first_day != last_day:
            free = hours.subtract(window, taken)
            pieces = hours.plan_pieces(free, 1, DAILY_CAP, used)
        else:  # the common case: nothing to subtract, one Beijing day (same result, cheaper)
            day = _day(first_day)
            minutes = hours.day_minutes([window], 1, DAILY_CAP - used.get(day, 0))
            pieces = hours.trimmed_pieces(day, [window], minutes)
        by_year: dict[int, int] = {}
        for piece in pieces:
            self._keep(record, volunteer, piece, starts, tails)
            by_year[piece.day.year] = by_year.get(piece.day.year, 0) + piece.minutes
        for year, minutes in by_year.items():
            kept = self.activity_totals.setdefault(record["activity_id"] * 4096 + year, [0, 0])
            kept[0] += minutes
            kept[1] += minutes > 0
        return sum(by_year.values())

    def _keep(self, record: dict, volunteer: int, piece, starts: array, tails: array) -> None:
        begin, end = _us(piece.starts_at), _us(piece.ends_at)
        at = bisect.bisect_left(starts, begin)
        starts.insert(at, begin)
        tails.insert(at, end * 1024 + piece.minutes)
        key = volunteer * 4096 + piece.day.year
        self.totals[key] = self.totals.get(key, 0) + piece.minutes
        day = piece.day.toordinal()
        self.buffer.extend(
            (record["id"], volunteer, record["activity_id"], day, begin, end, piece.minutes)
        )
        if len(self.buffer) >= CHUNK * ENTRY_FIELDS:
            self.spool.write(self.buffer.tobytes())
            self.buffer = array("q")

    def entries(self) -> Iterator[dict]:
        """The spooled pieces as credit_entries rows, numbered in record order."""
        self.pieces.clear()  # the per-volunteer state is done with
        entry_id = 0
        while chunk := self.spool.read(CHUNK * ENTRY_FIELDS * 8):
            values = array("q", chunk)
            for at in range(0, len(values), ENTRY_FIELDS):
                record_id, volunteer, activity, day, begin, end, minutes = values[
                    at : at + ENTRY_FIELDS
                ]
                entry_id += 1
                yield {
                    "id": entry_id,
                    "record_id": record_id,
                    "volunteer_id": volunteer,
                    "activity_id": activity,
                    "day": date.fromordinal(day),
                    "starts_at": _moment(begin),
                    "ends_at": _moment(end),
                    "minutes": minutes,
                }

    def year_minutes(self) -> Iterator[dict]:
        """Each volunteer's credited minutes per year, as the app's ledger keeps them."""
        for key, minutes in sorted(self.totals.items()):
            yield {"volunteer_id": key // 4096, "year": key % 4096, "minutes": minutes}

    def activity_years(self) -> Iterator[dict]:
        """Each activity's credited minutes and participations per year, as the app keeps them."""
        for key, (minutes, participations) in sorted(self.activity_totals.items()):
            yield {
                "activity_id": key // 4096,
                "year": key % 4096,
                "minutes": minutes,
                "participations": participations,
            }


def _overlapping(starts: array, tails: array, low: int, high: int) -> list:
    """The volunteer's credited pieces that overlap [low, high) (disjoint and sorted)."""
    found = []
    at = bisect.bisect_left(starts, high) - 1
    while at >= 0 and tails[at] // 1024 > low:
        found.append((_moment(starts[at]), _moment(tails[at] // 1024)))
        at -= 1
    return found


def _used_by_day(starts: array, tails: array, first: int, last: int) -> dict[date, int]:
    """Minutes already credited on the Beijing days first..last (day indexes)."""
    low, high = first * DAY_US - BEIJING_US, (last + 1) * DAY_US - BEIJING_US
    used: dict[date, int] = {}
    for at in range(bisect.bisect_left(starts, low), bisect.bisect_left(starts, high)):
        day = _day(_day_index(starts[at]))
        used[day] = used.get(day, 0) + tails[at] % 1024
    return used


def _day_index(us: int) -> int:
    """The Beijing day of a moment, as days since EPOCH (China has kept UTC+8 since 1991)."""
    return (us + BEIJING_US) // DAY_US


def _day(index: int) -> date:
    return date.fromordinal(EPOCH_ORDINAL + index)


def _writer(connection):
    """A function (table name, rows) -> count that bulk-inserts in chunks."""
    tables = Base.metadata.tables
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection

        def write_pg(name: str, rows: Iterable[dict]) -> int:
            iterator = iter(rows)
            first = next(iterator, None)
            if first is None:
                return 0
            columns = list(first)
            count = 0
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in _chain(first, iterator):
                    copy.write_row([_pg_value(row[c]) for c in columns])
                    count += 1
            return count

        return write_pg

    def write_core(name: str, rows: Iterable[dict]) -> int:
        table = tables[name]
        count = 0
        for chunk in _chunks(rows, 20_000):
            connection.execute(table.insert(), chunk)
            count += len(chunk)
        return count

    return write_core


def _pg_value(value):
    if isinstance(value, datetime):
        if value.tzinfo is UTC:  # all of the generator's times: skip the conversion
            return value.replace(tzinfo=None)
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _chain(first: dict, rest: Iterator[dict]) -> Iterator[dict]:
    yield first
    yield from rest


def _chunks(rows: Iterable[dict], size: int) -> Iterator[Sequence[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="sqlite:///instance/bench.sqlite3",
        help="SQLAlchemy URL of a database made for benchmarking (it is wiped).",
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--create-database",
        action="store_true",
        help="PostgreSQL: drop and create the database first (autocommit via psycopg).",
    )
    args = parser.parse_args(argv)
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    if args.create_database and url.startswith("postgresql"):
        create_postgres_database(url)
    engine = create_engine(url)
    summary = build_database(engine, SCALES[args.scale], seed=args.seed)
    engine.dispose()
    counts = ", ".join(f"{k}={v:,}" for k, v in summary.counts.items())
    print(f"built {args.scale} in {summary.seconds:.1f} s: {counts}")


if __name__ == "__main__":
    main()
