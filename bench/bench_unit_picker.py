"""The register and profile pages, and the unit search behind their picker, on a large tree.

Builds a scratch SQLite database with a banner, TOWNS towns and enough villages under them to
make --units units (village names repeat from town to town, as real ones do), registers one
volunteer, and prints the HTML size and time of /auth/register and /me/edit, and the time of
unit searches (the picker's JSON). Province scale is 10,000 units (issue 15: no page over
200 KB, no request over 2 s).

    .venv/bin/python bench/bench_unit_picker.py --units 10000
    .venv/bin/python bench/bench_unit_picker.py --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/<an empty scratch database>

Prints figures; asserts nothing.
"""

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import factories  # noqa: E402
from tests.conftest import login  # noqa: E402
from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import Unit, UnitKind  # noqa: E402

TOWNS = 100
VILLAGE_NAMES = ("新村", "红旗村", "团结村", "东风村", "胜利村", "光明村", "和平村", "幸福村")
SEARCHES = ("红旗", "第5镇", "第77镇第3", "第1")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty scratch database (default: SQLite)")
    args = parser.parse_args(argv)
    with scratch_app(args.database_url) as app:
        village = build_tree(args.units)
        volunteer = factories.make_volunteer("王五", village)
        db.session.commit()
        client = app.test_client()
        print(f"{args.units} units")
        fetch(client, "/auth/register")
        login(client, volunteer.user)
        fetch(client, "/me/edit")
        for text in SEARCHES:
            fetch(client, f"/auth/work-units?q={text}")


@contextlib.contextmanager
def scratch_app(database_url: str | None = None) -> Iterator[Flask]:
    """The app on an empty scratch database (SQLite in a temporary folder unless given), its
    tables created, limits off, inside its app context; the database is left empty again."""
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": folder}
        )
        app.config["RATELIMIT_ENABLED"] = False
        with app.app_context():
            db.create_all()
            yield app
            db.session.remove()
            db.drop_all()


def build_tree(count: int) -> Unit:
    """A banner, TOWNS towns and villages up to `count` units, in bulk; the last village."""
    banner = Unit(id=1, code="B", name="某旗", kind=UnitKind.BANNER, path="/1/", depth=0)
    db.session.add(banner)
    rows, next_id = [], 2
    towns = list(range(next_id, next_id + TOWNS))
    for number, town_id in enumerate(towns):
        rows.append(
            _row(town_id, f"T{number}", f"第{number}镇", UnitKind.TOWN, 1, f"/1/{town_id}/")
        )
    next_id += TOWNS
    while next_id <= count:
        town_id = towns[(next_id - TOWNS) % TOWNS]
        number = next_id - TOWNS - 2
        name = f"第{town_id - 2}镇第{number // TOWNS}{VILLAGE_NAMES[number % len(VILLAGE_NAMES)]}"
        path = f"/1/{town_id}/{next_id}/"
        rows.append(_row(next_id, f"V{next_id}", name, UnitKind.VILLAGE, town_id, path))
        next_id += 1
    db.session.execute(insert(Unit), rows)
    db.session.flush()
    return db.session.get(Unit, next_id - 1)


def _row(unit_id: int, code: str, name: str, kind: UnitKind, parent: int, path: str) -> dict:
    depth = path.count("/") - 2
    placed = {"parent_id": parent, "path": path, "depth": depth}
    return {"id": unit_id, "code": code, "name": name, "kind": kind, **placed}


def fetch(client, page: str) -> None:
    """Fetch the page twice; print its status, size and the second time."""
    for _ in range(2):
        started = time.perf_counter()
        response = client.get(page)
        elapsed = (time.perf_counter() - started) * 1000
        db.session.rollback()
    size = len(response.data) / 1024
    print(f"{page:<32} {response.status_code} {size:8.1f} KB  {elapsed:6.0f} ms")


if __name__ == "__main__":
    main()
