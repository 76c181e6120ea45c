"""Certificate benchmark: one certificate, and batches of 100 and 1,000.

Builds its own SQLite database in a temporary directory (1,000 volunteers on one unit's
roster, five approved records each, issuer details and a seal), then measures:

- a single certificate: issuing it (queries, serial, insert, commit) and rendering its PDF;
- a batch of N through the same code the web job and `flask certificate batch` use,
  each run in a fresh process on a fresh copy of the database, reporting time per
  certificate, the process's peak RSS (resource.getrusage) and, in a second run, the
  Python heap peak (tracemalloc), so 100 and 1,000 can be compared: memory should not
  grow with the batch size.

Targets (issue 5): a single certificate under 100 ms; 1,000 in under 30 s.
Usage: .venv/bin/python bench/bench_certificates.py [--people 1000]
"""

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from volunteer.services import periods

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RECORDS_PER_PERSON = 5


def make_app(database: Path):
    from volunteer import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 300), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, 294, 294), outline=(200, 20, 20), width=14)
    draw.regular_polygon((150, 150, 50), 5, fill=(200, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def build_database(database: Path, people: int) -> None:
    """Units, an organization, activities, `people` volunteers on the roster, records."""
    import secrets

    from stdnum.cn import ric

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
        UnitKind,
        User,
        Volunteer,
    )
    from volunteer.services import certificates, grants, units
    from volunteer.services.accounts import create_staff_account
    from volunteer.services.rosters import linking

    app = make_app(database)
    with app.app_context():
        db.create_all()
        banner = units.create_unit("WS", "乌审旗", UnitKind.BANNER, None)
        town = units.create_unit("WS-GLT", "嘎鲁图镇", UnitKind.TOWN, banner)
        # The first 100 people are also on a village's roster: the small batch.
        village = units.create_unit("WS-GLT-1", "萨如拉嘎查", UnitKind.VILLAGE, town)
        admin = create_staff_account("基准管理员", "13900000000", "bench-password-1")
        grants.grant_role(admin, Role.ADMIN, actor=None)
        certificates.save_issuer_settings(
            {
                "organization": "乌审旗志愿服务联合会",
                "person_in_charge": "乌云",
                "handling_officer": "高娃",
                "contact": "0477-7512345",
                "remarks": "本证明仅证明志愿服务经历。",
            },
            admin,
        )
        certificates.save_seal("seal.png", seal_png(), admin)
        team = Organization(name="嘎鲁图镇新时代文明实践志愿服务队", unit=town)
        db.session.add(team)
        year_start = datetime(datetime.now(UTC).year, 1, 1, 1, tzinfo=UTC)
        activities = []
        for number in range(RECORDS_PER_PERSON):
            starts = year_start + timedelta(days=number + 1)
            activities.append(
                Activity(
                    organization=team,
                    title=f"文明城市创建志愿服务活动第{number + 1}期：交通劝导与环境整治",
                    place="嘎鲁图镇",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=4),
                    status=ActivityStatus.PUBLISHED,
                    checkin_secret=secrets.token_hex(16),
                )
            )
        db.session.add_all(activities)
        db.session.flush()
        password_hash = admin.password_hash
        for number in range(people):
            body = f"152727{1980 + number % 20}0101{number % 1000:03d}"
            id_number = body + ric.calc_check_digit(body + "0")
            user = User(
                phone=f"135{number:08d}", name=f"志愿者{number:04d}", password_hash=password_hash
            )
            volunteer = Volunteer(
                user=user,
                id_type=IdType.RESIDENT_ID,
                id_number=id_number if number < 1000 else f"P{number:08d}",
                political_status=PoliticalStatus.MASSES,
                personal_code=secrets.token_urlsafe(24),
                volunteer_number=f"WS2026{number:07d}",
            )
            db.session.add(volunteer)
            for unit in (town, village) if number < 100 else (town,):
                db.session.add(
                    RosterEntry(
                        unit=unit,
                        name=user.name,
                        id_type=IdType.RESIDENT_ID,
                        id_number=volunteer.id_number,
                        political_status=PoliticalStatus.MASSES,
                        on_from=year_start.date(),
                    )
                )
            for activity in activities:
                db.session.add(
                    ServiceRecord(
                        volunteer=volunteer,
                        activity=activity,
                        check_in_at=activity.starts_at,
                        check_out_at=activity.ends_at,
                        credited_minutes=180 + number % 60,
                        source=RecordSource.QR,
                        check_out_source=RecordSource.QR,
                        status=RecordStatus.APPROVED,
                    )
                )
            if number % 200 == 199:
                db.session.flush()
        db.session.flush()
        linking.link_all()  # the rosters' volunteers, as uploads and registrations set them
        db.session.commit()


def single(database: Path, samples: int = 30) -> dict:
    """Issue and render single certificates for different people; median and worst times."""
    from sqlalchemy import select

    from volunteer.extensions import db
    from volunteer.models import Volunteer
    from volunteer.printing.output import certificate_pdf
    from volunteer.services import certificates

    app = make_app(database)
    issue_times, render_times, sizes = [], [], []
    with app.test_request_context(base_url="https://zyz.wsq.gov.cn"):
        ids = db.session.scalars(select(Volunteer.id).order_by(Volunteer.id).limit(samples + 1))
        ids = list(ids)
        # Warm-up: fonts registered, modules imported, statements compiled.
        warm = certificates.issue_certificate(
            db.session.get(Volunteer, ids[0]), periods.this_year(), None
        )
        certificate_pdf(warm)
        db.session.commit()
        for volunteer_id in ids[1:]:
            volunteer = db.session.get(Volunteer, volunteer_id)
            started = time.perf_counter()
            certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
            db.session.commit()
            issued = time.perf_counter()
            pdf = certificate_pdf(certificate)
            done = time.perf_counter()
            issue_times.append(issued - started)
            render_times.append(done - issued)
            sizes.append(len(pdf))
    totals = [a + b for a, b in zip(issue_times, render_times, strict=True)]
    return {
        "issue_ms_median": statistics.median(issue_times) * 1000,
        "render_ms_median": statistics.median(render_times) * 1000,
        "total_ms_median": statistics.median(totals) * 1000,
        "total_ms_max": max(totals) * 1000,
        "pdf_kb": statistics.median(sizes) / 1024,
    }


def batch(database: Path, people: int, trace: bool) -> dict:
    """One batch of the first `people` on the roster (run in a fresh process)."""
    from volunteer.extensions import db
    from volunteer.printing import batches
    from volunteer.services import units

    app = make_app(database)
    with app.app_context():
        code = "WS-GLT-1" if people == 100 else "WS-GLT"
        params = batches.unit_batch_params(units.get_unit_by_code(code), False, periods.this_year())
        output = database.parent / f"batch-{people}.pdf"
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        count = batches.produce_batch(params, None, output, "https://zyz.wsq.gov.cn")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        db.session.remove()
    return {
        "people": count,
        "seconds": elapsed,
        "ms_per_certificate": elapsed / count * 1000,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "maxrss_before_mb": rss_before / 1024,
        "tracemalloc_peak_mb": peak / 1024 / 1024 if peak is not None else None,
        "pdf_mb": output.stat().st_size / 1024 / 1024,
    }


def run_child(template: Path, workdir: Path, people: int, trace: bool) -> dict:
    """A batch in a fresh process on a fresh copy of the database."""
    copy = workdir / f"run-{people}-{int(trace)}" / "bench.sqlite3"
    copy.parent.mkdir()
    shutil.copy(template, copy)
    args = [sys.executable, __file__, "--child-batch", str(people), "--database", str(copy)]
    if trace:
        args.append("--trace")
    result = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="at least 100")
    parser.add_argument("--child-batch", type=int)
    parser.add_argument("--database", type=Path)
    parser.add_argument("--trace", action="store_true")
    options = parser.parse_args()
    if options.child_batch:
        print(json.dumps(batch(options.database, options.child_batch, options.trace)))
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    try:
        template = workdir / "template.sqlite3"
        started = time.perf_counter()
        build_database(template, options.people)
        print(
            f"data: {options.people} volunteers x {RECORDS_PER_PERSON} records, SQLite, "
            f"built in {time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs"
        )
        single_copy = workdir / "single" / "bench.sqlite3"
        single_copy.parent.mkdir()
        shutil.copy(template, single_copy)
        one = single(single_copy)
        print(
            f"single certificate: {one['total_ms_median']:.1f} ms median "
            f"(issue {one['issue_ms_median']:.1f} ms + PDF {one['render_ms_median']:.1f} ms), "
            f"worst {one['total_ms_max']:.1f} ms, {one['pdf_kb']:.0f} KB  [target < 100 ms]"
        )
        sizes = sorted({100, options.people})
        for people in sizes:
            timed = run_child(template, workdir, people, trace=False)
            traced = run_child(template, workdir, people, trace=True)
            print(
                f"batch of {people:>5}: {timed['seconds']:.1f} s, "
                f"{timed['ms_per_certificate']:.1f} ms/certificate, "
                f"peak RSS {timed['maxrss_mb']:.0f} MB "
                f"(was {timed['maxrss_before_mb']:.0f} MB before the batch), "
                f"tracemalloc peak {traced['tracemalloc_peak_mb']:.1f} MB, "
                f"PDF {timed['pdf_mb']:.1f} MB" + ("  [target < 30 s]" if people == 1000 else "")
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
