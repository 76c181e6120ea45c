"""Batch printing: one PDF with one certificate per person, for thousands of people.

Why a background job and not a streamed response:
- A batch of thousands takes tens of seconds or minutes. A streamed response would still be
  one long request, cut by gunicorn's worker timeout or a proxy's read timeout; a dropped
  phone connection would lose the whole batch; and a streamed PDF cannot say how far it got.
- The batch runs as a job on the queue (volunteer/tasks, kind "certificate_batch"), in the
  `flask jobs worker` process, never in a web request. It issues, renders and commits
  `CERTIFICATE_BATCH_CHUNK` people at a time and appends each finished certificate to a
  scratch file through StreamingPdfWriter, so memory stays flat whatever the batch size;
  the job runner then keeps the file in the database, where any host can serve it.
- `flask certificate batch` does the same work from the command line into a file.

This module is an edge like a CLI command: it commits, once per chunk.
"""

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from volunteer.documents.pdf_stream import StreamingPdfWriter
from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityStatus,
    CreditEntry,
    Organization,
    RosterEntry,
    ServiceRecord,
    Unit,
    User,
    Volunteer,
)
from volunteer.printing.output import certificate_pdf
from volunteer.services import certificates, ledger, participation, periods, permissions
from volunteer.services.periods import Period

JOB_KIND = "certificate_batch"
ACTIVITY_CHOICES_LIMIT = 300
Progress = Callable[[int, int], None]
Issuer = tuple[User | None, Organization | None]


# ---- who is in a batch ----


def period_params(period: Period) -> dict[str, Any]:
    """A period as the JSON a job's parameters keep."""
    start = period.start.isoformat() if period.start else None
    return {"start": start, "end": period.end.isoformat(), "kind": period.kind}


def period_from_params(params: dict[str, Any]) -> Period:
    """The period a job's parameters keep."""
    start = params.get("start")
    end = date.fromisoformat(params["end"])
    return Period(date.fromisoformat(start) if start else None, end, params.get("kind", "range"))


def unit_batch_params(unit: Unit, include_subunits: bool, period: Period) -> dict[str, Any]:
    """A coordinator's batch: everyone on a unit's roster with approved time in the period."""
    return {
        "source": "unit",
        "unit_id": unit.id,
        "unit_name": unit.name,
        "include_subunits": include_subunits,
        "period": period_params(period),
    }


def activity_batch_params(activity: Activity) -> dict[str, Any]:
    """An organizer's batch: everyone with approved time at one activity."""
    return {
        "source": "activity",
        "activity_id": activity.id,
        "activity_title": activity.title,
        "organization_id": activity.organization_id,
        "period": period_params(periods.activity_period(activity)),
    }


def batch_volunteer_ids(params: dict[str, Any]) -> list[int]:
    """Who gets a certificate: people with approved time in the period, in a stable order."""
    period = period_from_params(params["period"])
    served = [
        CreditEntry.volunteer_id == Volunteer.id,
        ledger.in_period(period),
        CreditEntry.minutes > 0,
    ]
    query = select(Volunteer.id)
    if params["source"] == "unit":
        query = query.where(Volunteer.id.in_(_unit_roster(params)))
    else:
        at_activity = select(ServiceRecord.id).where(
            ServiceRecord.activity_id == params["activity_id"]
        )
        served.append(CreditEntry.record_id.in_(at_activity))
        # An organizer certifies only people who took part themselves (services.participation).
        query = query.where(participation.took_part(Volunteer.id, params["organization_id"]))
    query = query.where(exists().where(*served)).order_by(Volunteer.volunteer_number, Volunteer.id)
    return list(db.session.scalars(query))


def _unit_roster(params: dict[str, Any]) -> Any:
    """A subquery of the registered people on the batch unit's active roster (and sub-units')."""
    unit = db.session.get(Unit, params["unit_id"])
    units = (
        Unit.path.startswith(unit.path) if params.get("include_subunits") else Unit.id == unit.id
    )
    return (
        select(RosterEntry.volunteer_id)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(RosterEntry.active, units, RosterEntry.volunteer_id.is_not(None))
    )


def activities_for_batches(user: User, limit: int = ACTIVITY_CHOICES_LIMIT) -> list[Activity]:
    """Published activities the user may print a batch for (admins: all), newest first."""
    statement = select(Activity).where(Activity.status != ActivityStatus.DRAFT)
    if not permissions.is_admin(user):
        statement = statement.where(
            Activity.organization_id.in_(permissions.organizer_organization_ids(user) or {-1})
        )
    return list(db.session.scalars(statement.order_by(Activity.starts_at.desc()).limit(limit)))


# ---- producing the PDF ----


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for index in range(0, len(ids), size):
        yield ids[index : index + size]


def produce_batch(
    params: dict[str, Any],
    actor_id: int | None,
    output_path: Path,
    base_url: str,
    progress: Progress | None = None,
) -> int:
    """Issue and print every certificate of the batch into `output_path`; returns the count."""
    with _complete_file(output_path) as out:
        return write_batch(params, actor_id, out, base_url, progress)


def write_batch(
    params: dict[str, Any],
    actor_id: int | None,
    out: BinaryIO,
    base_url: str,
    progress: Progress | None = None,
) -> int:
    """Issue every certificate of the batch and write their PDF into `out`; returns the count."""
    # Commits after each chunk, so certificates issued so far stay issued if a later one fails.
    ids = batch_volunteer_ids(params)
    report = progress or _ignore_progress
    report(0, len(ids))
    done = 0
    writer = StreamingPdfWriter(out)
    for chunk in _chunks(ids, current_app.config["CERTIFICATE_BATCH_CHUNK"]):
        done += _print_chunk(writer, params, actor_id, chunk, base_url)
        report(done, len(ids))
    writer.close()
    return done


def batch_title(params: dict[str, Any]) -> str:
    """What a batch's job page calls it: the unit's or the activity's name."""
    return params.get("unit_name") or params.get("activity_title") or ""


def _ignore_progress(done: int, total: int) -> None:
    """Progress nobody watches."""


@contextmanager
def _complete_file(path: Path) -> Iterator[BinaryIO]:
    """A file written beside `path` that only takes its name (atomically) once complete."""
    partial = path.with_suffix(".part")
    with partial.open("wb") as out:
        yield out
    os.replace(partial, path)


def _print_chunk(
    writer: StreamingPdfWriter,
    params: dict[str, Any],
    actor_id: int | None,
    chunk: Sequence[int],
    base_url: str,
) -> int:
    """Issue one chunk's certificates, commit, and append their PDFs; returns how many."""
    period = period_from_params(params["period"])
    issued = certificates.issue_certificates(_volunteers(chunk), period, *_issuer(params, actor_id))
    db.session.commit()
    for certificate in issued:
        writer.add(certificate_pdf(certificate, base_url))
    # Forget this chunk's objects: the identity map must not grow with the batch.
    db.session.expunge_all()
    return len(issued)


def _issuer(params: dict[str, Any], actor_id: int | None) -> Issuer:
    """Who issues the batch: the acting user and, for an activity's batch, its organization."""
    organization_id = params.get("organization_id")
    actor = db.session.get(User, actor_id) if actor_id else None
    return actor, db.session.get(Organization, organization_id) if organization_id else None


def _volunteers(ids: Sequence[int]) -> Sequence[Volunteer]:
    """These people with their accounts loaded, in the batch's order."""
    return db.session.scalars(
        select(Volunteer)
        .where(Volunteer.id.in_(ids))
        .options(selectinload(Volunteer.user))
        .order_by(Volunteer.volunteer_number, Volunteer.id)
    ).all()
