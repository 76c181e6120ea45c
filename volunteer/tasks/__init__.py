"""Background jobs: every long task runs on a kept task queue (Huey), never in a request.

- `queue`: the Huey instance of an app (SQLite in instance/ for `make run`, Redis when
  QUEUE_URL is set, immediate in tests), its tasks, and `flask jobs worker`'s consumer.
- `runner`: a job's life on its `BackgroundJob` row: created in the request, claimed once by
  a worker, progress and heartbeat per step, its file kept in the database, failure recorded.
- `kinds`: what each kind of job does and how its pages name it. A new kind (a report
  refresh) is one `JobKind` there; the queue, pages and files stay as they are.
- `compliance_export`: the whole-tree compliance workbook (or CSV table) as a job.
- `unit_posters`: the registration posters of a whole subtree, one PDF.
- `reminder_lists`: a unit's (or a whole subtree's) reminder list for an SMS platform.
- `roster_jobs`: checking an uploaded roster and importing a checked one (large files).

This package is an edge like the CLI: it commits.
"""

from volunteer.tasks.kinds import (
    CERTIFICATE_BATCH,
    COMPLIANCE_EXPORT,
    COMPLIANCE_REFRESH,
    REMINDER_LIST,
    ROSTER_CHECK,
    ROSTER_IMPORT,
    UNIT_POSTERS,
    JobKind,
    kind_of,
)
from volunteer.tasks.queue import queue_for, run_worker, start_job
from volunteer.tasks.runner import active_job, create_job, recent_jobs, run_job, run_queued_jobs

__all__ = [
    "CERTIFICATE_BATCH",
    "COMPLIANCE_EXPORT",
    "COMPLIANCE_REFRESH",
    "REMINDER_LIST",
    "ROSTER_CHECK",
    "ROSTER_IMPORT",
    "UNIT_POSTERS",
    "JobKind",
    "active_job",
    "create_job",
    "kind_of",
    "queue_for",
    "recent_jobs",
    "run_job",
    "run_queued_jobs",
    "run_worker",
    "start_job",
]
