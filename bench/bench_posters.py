"""Registration posters benchmark: one PDF with a poster for every unit of a subtree.

Builds a scratch SQLite database with bench/generate.py (default: 400 units, 40,000 roster
entries, 30,000 volunteers), then times `printing.posters.posters_pdf` for the banner's
whole tree as the "posters for this unit and all below" button runs it, split into the
count (one compliance report) and the rendering (one A4 page per unit), with the size of
the PDF. The subtree's posters are made by a background job (tasks/unit_posters.py); a page
a unit must stay cheap enough that a league's thousands of units print in minutes.

Usage: .venv/bin/python bench/bench_posters.py [--units 400] [--repeat 3]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import Scale, build_database  # noqa: E402
from volunteer import create_app  # noqa: E402
from volunteer.printing import posters  # noqa: E402
from volunteer.services import compliance, registration_drive  # noqa: E402


def timed(repeat: int, work) -> tuple[float, object]:
    """Median wall time of `repeat` runs after a warm-up, and the last result."""
    result = work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def build(folder: Path, units: int) -> str:
    """A scratch database with `units` units and about a hundred roster people each."""
    url = f"sqlite:///{folder / 'posters.sqlite3'}"
    scale = Scale("posters", units, units * 100, units * 75, units * 50, 100, 10)
    summary = build_database(create_engine(url), scale)
    print(f"generated in {summary.seconds:.1f} s: {summary.counts}")
    return url


def measure(url: str, repeat: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        root = compliance.root_unit()
        count_time, gaps = timed(
            repeat, lambda: registration_drive.unregistered_by_unit(root, subtree=True)
        )
        whole_time, pdf = timed(repeat, lambda: posters.posters_pdf(root, subtree=True))
        single_time, _ = timed(repeat, lambda: posters.posters_pdf(root, subtree=False))
    pages = len(gaps)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work skews timings)")
    print(f"units (pages): {pages}; PDF {len(pdf) / 1024:.0f} KiB")
    print(f"count (one compliance report): {count_time * 1000:.0f} ms")
    print(f"whole subtree PDF: {whole_time:.2f} s, {whole_time / pages * 1000:.1f} ms a page")
    print(f"one unit's poster: {single_time * 1000:.0f} ms")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        measure(build(Path(folder), args.units), args.repeat)


if __name__ == "__main__":
    main()
