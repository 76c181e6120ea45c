"""Registration posters on the compliance blueprint: one unit's, or its whole subtree's."""

import io

from flask import redirect, send_file, url_for

from volunteer import tasks
from volunteer.access import access, acting_user, coordinator_of
from volunteer.actions import service_action
from volunteer.compliance.routes import _queued, bp
from volunteer.models import Unit
from volunteer.printing import posters
from volunteer.printing.output import public_base_url
from volunteer.tasks import unit_posters


@bp.route("/units/<int:unit_id>/poster.pdf")
@access(coordinator_of(Unit, "unit_id", "unit"))
def poster(unit: Unit):
    """The unit's registration poster (A4, opened in the browser to print)."""
    return _posters(unit, subtree=False)


@bp.route("/units/<int:unit_id>/posters.pdf")
@access(coordinator_of(Unit, "unit_id", "unit"))
def subtree_posters(unit: Unit):
    """One poster for each active unit of the subtree in one PDF, made by a job."""
    params = unit_posters.posters_params(unit, public_base_url())
    # The posters of the moment: a finished job's file is not reused, a running one is.
    job = tasks.active_job(acting_user(), tasks.UNIT_POSTERS, params)
    return redirect(url_for("jobs.show", job_id=(job or _queued(tasks.UNIT_POSTERS, params)).id))


def _posters(unit: Unit, subtree: bool):
    with service_action() as outcome:
        pdf = posters.posters_pdf(unit, subtree)
    if not outcome.ok:
        return redirect(url_for("units.show", unit_id=unit.id))
    response = send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        download_name=posters.download_name(unit, subtree),
    )
    # The count is of the moment of printing: never a stale copy from a cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
