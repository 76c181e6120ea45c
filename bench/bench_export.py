"""Whole-tree export benchmark: the request that queues it, the job that writes it, the download.

Issue 15: the whole-tree workbook took 14 s inside one request at county scale and about
2.5 minutes and 3 GB at province scale. Now the page only queues a job. This script times
each part on a generated database (bench/generate.py), signed in as the bench admin:

1. the request (`/compliance/units/<root>/export.xlsx`, or `.csv`), which queues the job;
2. the job, run in this process as the worker runs it (`tasks.runner.run_job`), with this
   process's peak memory before and after;
3. the download of the finished file through `/jobs/<id>/download`, chunk by chunk.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_county \
        .venv/bin/python bench/bench_export.py [--format xlsx|csv|both]

Prints figures; asserts nothing.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_compliance import _bench_admin  # noqa: E402
from bench.real_queue import app_with_real_queue  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import BackgroundJob  # noqa: E402
from volunteer.services import compliance, files, periods  # noqa: E402
from volunteer.tasks import COMPLIANCE_EXPORT, runner  # noqa: E402


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--format", choices=("xlsx", "csv", "both"), default="both")
    args = parser.parse_args(argv)
    if not args.database_url:
        raise SystemExit("Set BENCH_DATABASE_URL (a database made by bench/generate.py).")
    with app_with_real_queue(args.database_url) as app:  # the request only queues the job
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load}")
        for file_format in ("xlsx", "csv") if args.format == "both" else (args.format,):
            export(app, file_format)


def export(app, file_format: str) -> None:
    """Queue, run and download one whole-tree export; print each part's figures."""
    root = compliance.root_unit()
    client = app.test_client(user=_bench_admin())
    year = periods.local_today().year
    started = time.perf_counter()
    response = client.get(f"/compliance/units/{root.id}/export.{file_format}?year={year}")
    request_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise SystemExit(f"export request: HTTP {response.status_code}")
    job_id = db.session.scalar(
        select(BackgroundJob.id)
        .where(BackgroundJob.kind == COMPLIANCE_EXPORT)
        .order_by(BackgroundJob.id.desc())
    )
    print(f"{file_format}: the request that queues the job    {request_ms:9.1f} ms")
    before = peak_rss_mb()
    started = time.perf_counter()
    runner.run_job(job_id)
    job_s = time.perf_counter() - started
    job = db.session.get(BackgroundJob, job_id)
    blob = files.file_of_job(job)
    if blob is None:
        raise SystemExit(f"job {job_id} {job.status}: {job.error}")
    print(
        f"{file_format}: the job (in this process)          {job_s:9.1f} s"
        f"   file {blob.size / 1024 / 1024:.1f} MB"
        f"   peak memory {before:.0f} MB before, {peak_rss_mb():.0f} MB after"
    )
    download(client, job_id, file_format)


def download(client, job_id: int, file_format: str) -> None:
    """Stream the finished file as a browser would, timing the whole download."""
    started = time.perf_counter()
    response = client.get(f"/jobs/{job_id}/download")
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    seconds = time.perf_counter() - started
    print(
        f"{file_format}: the download                     {seconds * 1000:9.1f} ms   {size:,} bytes"
    )


if __name__ == "__main__":
    main()
