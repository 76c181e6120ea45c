"""The registration posters of a unit and every unit below it, one PDF, as a background job.

A poster a page: at a league or a province that is thousands of pages, far too long for a
request. One unit's own poster stays a plain download.
"""

from typing import Any, BinaryIO

from volunteer.i18n import gettext as _
from volunteer.models import Unit
from volunteer.printing import posters
from volunteer.tasks.compliance_export import coordinated_unit

JOB_KIND = "unit_posters"


def posters_params(unit: Unit, base_url: str) -> dict[str, Any]:
    """What a posters job keeps: the unit, and the site's address for the links (the worker
    has no request to read it from)."""
    return {"unit_id": unit.id, "unit_name": unit.name, "base_url": base_url}


def posters_title(params: dict[str, Any]) -> str:
    """The job page's title: the unit and all below."""
    return _("%(unit)s and all units below", unit=params["unit_name"])


def posters_filename(job_id: int, params: dict[str, Any]) -> str:
    """The PDF's name, as the in-request download named it."""
    return f"注册海报-{params['unit_name']}-全部下级.pdf"


def write_posters(
    params: dict[str, Any], actor_id: int | None, out: BinaryIO, progress: Any
) -> None:
    """Write one poster for each active unit of the subtree into `out`."""
    unit, _actor = coordinated_unit(params, actor_id)
    progress(0, 1)
    out.write(posters.posters_pdf(unit, subtree=True, base_url=params["base_url"]))
    progress(1, 1)
