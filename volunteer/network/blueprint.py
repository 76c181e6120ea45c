"""The network blueprint, and the access rules its views share."""

from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from volunteer.access import Rule, admin_of
from volunteer.models import HonourCertificate, Nomination, Project
from volunteer.services import permissions
from volunteer.services.periods import local_today

bp = Blueprint("network", __name__, url_prefix="/network")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PROJECT_ORGANIZER = Rule(
    "organizer of a project's organization",
    model=Project,
    id_arg="project_id",
    as_arg="project",
    scope_check=lambda user, project: permissions.can_organize(user, project.organization_id),
)
PROJECT_VIEWER = Rule(
    "signed in (a project page)",
    model=Project,
    id_arg="project_id",
    as_arg="project",
    scope_check=lambda user, project: True,
)
NOMINATION_ADMIN = admin_of(Nomination, "nomination_id", "nomination")
HONOUR_ADMIN = admin_of(HonourCertificate, "certificate_id", "certificate")


def chosen_year() -> int:
    """The year named in the query string (this year when missing or nonsense)."""
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() else local_today().year
    if not 2000 <= year <= local_today().year + 1:
        abort(404)
    return year


def download(data: bytes, filename: str, mimetype: str) -> Response:
    """A file download with a UTF-8 file name."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})
